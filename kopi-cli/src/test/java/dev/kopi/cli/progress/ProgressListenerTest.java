package dev.kopi.cli.progress;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ProgressListenerTest {

  @Test
  void disabledProgressPrintsNothingButStillCounts() {
    StringWriter text = new StringWriter();
    ProgressListener p = ProgressListener.forStderr("quiet", false, new PrintWriter(text));

    p.onRunStarted(3);
    p.step(true);
    p.step(false);
    p.finish();

    assertThat(text.toString()).isEmpty();
    assertThat(p.done()).isEqualTo(2);
    assertThat(p.failed()).isEqualTo(1);
  }

  @Test
  void stepsAfterTheFinishAreIgnored() {
    ProgressListener p = ProgressListener.silent();

    p.start(5);
    p.step(true);
    p.finish();
    p.step(true);
    p.start(9);

    assertThat(p.done()).isEqualTo(1);
    assertThat(p.total()).isEqualTo(5);
  }

  @Test
  void aBarNeedsAUsableTermAndAConsole() {
    assertThat(Terminals.isInteractive(Map.of(), null)).isFalse();
    assertThat(Terminals.isInteractive(Map.of("TERM", "xterm"), null)).isFalse();
    assertThat(Terminals.isInteractive(Map.of("TERM", "dumb"), null)).isFalse();
    assertThat(Terminals.isInteractive(Map.of("TERM", " "), null)).isFalse();
  }

  @Test
  void testsDoNotRunOnATerminal() {
    // Surefire forks the JVM with its streams piped: the plain lines are what tests see.
    assertThat(Terminals.isInteractive()).isFalse();
  }
}

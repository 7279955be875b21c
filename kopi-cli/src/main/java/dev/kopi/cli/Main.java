package dev.kopi.cli;

import dev.kopi.cli.demo.DemoCommand;
import dev.kopi.cli.images.ImagesCommand;
import dev.kopi.cli.images.SampleCommand;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Properties;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.HelpCommand;
import picocli.CommandLine.IVersionProvider;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * The {@code kopi} command. Everything about the command line is declared in annotations, so that
 * {@code new CommandLine(new Main())} behaves the same in {@link #main} and in tests.
 *
 * <p>Exit codes follow picocli: 0 on success, 1 when a command fails, 2 for a usage error (an
 * unknown option, a bad value: the message names the option, the rule and the value).
 */
@Command(
    name = "kopi",
    mixinStandardHelpOptions = true,
    versionProvider = Main.VersionProvider.class,
    sortOptions = false,
    usageHelpAutoWidth = true,
    description = "Fast, reliable parallel and asynchronous batch processing for the JVM.",
    subcommands = {
      ImagesCommand.class,
      SampleCommand.class,
      DemoCommand.class,
      HelpCommand.class,
      AotTrainingCommand.class
    },
    footer = {"", "Run 'kopi help <command>' or 'kopi <command> --help' for a command's options."})
public final class Main implements Runnable {

  @SuppressWarnings("NullAway.Init") // injected by picocli before run()
  @Spec
  CommandSpec spec;

  /** Without a subcommand there is nothing to do: a usage error. */
  @Override
  public void run() {
    throw new ParameterException(spec.commandLine(), "Missing required subcommand");
  }

  public static void main(String[] args) {
    System.exit(new CommandLine(new Main()).execute(args));
  }

  /** The version of this build, from the {@code kopi-version.properties} resource. */
  public static String version() {
    try (InputStream in = Main.class.getResourceAsStream("/kopi-version.properties")) {
      if (in == null) {
        return "unknown";
      }
      Properties p = new Properties();
      p.load(in);
      return p.getProperty("version", "unknown");
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read kopi-version.properties", e);
    }
  }

  /** {@code kopi --version}: kopi's version and the JVM it runs on. */
  static final class VersionProvider implements IVersionProvider {
    @Override
    public String[] getVersion() {
      return new String[] {
        "kopi " + version(),
        "Java "
            + Runtime.version()
            + " ("
            + System.getProperty("java.vm.vendor", "unknown vendor")
            + "), "
            + Runtime.getRuntime().availableProcessors()
            + " processors"
      };
    }
  }
}

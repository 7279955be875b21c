package dev.kopi.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;

/** Bad arguments fail at once, with a message naming the rule and the value. */
class OptionsValidationTest {

  @Test
  void poolSizes() {
    assertThatThrownBy(() -> Pool.cpu(0))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("threads >= 1 required but it was 0");
    assertThatThrownBy(() -> Pool.io(-3))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("maxConcurrency >= 1 required but it was -3");
  }

  @Test
  @SuppressWarnings("NullAway") // passes null on purpose
  void mapOptions() {
    MapOptions o = MapOptions.defaults();
    assertThatThrownBy(() -> o.maxInFlight(0)).hasMessage("maxInFlight >= 1 required but it was 0");
    assertThatThrownBy(() -> o.chunkSize(-1)).hasMessage("chunkSize >= 1 required but it was -1");
    assertThatThrownBy(() -> o.chunksPerWorker(0))
        .hasMessage("chunksPerWorker >= 1 required but it was 0");
    assertThatThrownBy(() -> o.itemTimeout(Duration.ZERO))
        .hasMessage("itemTimeout > 0 required but it was PT0S");
    assertThatThrownBy(() -> Chunking.auto(Duration.ofMillis(-1)))
        .hasMessage("targetChunkTime > 0 required but it was PT-0.001S");
    assertThatThrownBy(() -> o.listener(null))
        .isInstanceOf(NullPointerException.class)
        .hasMessage("listener");
  }

  @Test
  void errorPolicies() {
    assertThatThrownBy(() -> ErrorPolicy.retry(0))
        .hasMessage("maxAttempts >= 1 required but it was 0");
    assertThatThrownBy(
            () -> ErrorPolicy.retry(2).backoff(Duration.ofSeconds(1), 0.5, Duration.ofSeconds(2)))
        .hasMessage("backoff multiplier >= 1 required but it was 0.5");
    assertThatThrownBy(
            () -> ErrorPolicy.retry(2).backoff(Duration.ofSeconds(3), 2, Duration.ofSeconds(2)))
        .hasMessage("max backoff >= initial backoff (PT3S) required but it was PT2S");
  }

  @Test
  void optionsAreImmutableAndCarryTheirSettings() {
    MapOptions base = MapOptions.defaults();
    MapOptions changed = base.ordered(false).chunkSize(7).maxInFlight(99);
    assertThat(base.ordered()).isTrue();
    assertThat(base.chunking().isAuto()).isTrue();
    assertThat(base.maxInFlight()).isEqualTo(65_536);
    assertThat(changed.ordered()).isFalse();
    assertThat(changed.chunking().size()).isEqualTo(7);
    assertThat(changed.maxInFlight()).isEqualTo(99);
  }

  @Test
  void backoffGrowsExponentiallyUpToItsCap() {
    ErrorPolicy p = ErrorPolicy.retry(10).backoff(Duration.ofMillis(10), 3, Duration.ofMillis(200));
    assertThat(p.backoffNanos(1)).isEqualTo(10_000_000);
    assertThat(p.backoffNanos(2)).isEqualTo(30_000_000);
    assertThat(p.backoffNanos(3)).isEqualTo(90_000_000);
    assertThat(p.backoffNanos(4)).isEqualTo(200_000_000);
    assertThat(p.shouldRetry(new java.io.IOException(), 9)).isTrue();
    assertThat(p.shouldRetry(new java.io.IOException(), 10)).isFalse();
    assertThat(p.shouldRetry(new StackOverflowError(), 1)).as("errors are not retried").isFalse();
    ErrorPolicy throwing =
        p.retryOn(
            e -> {
              throw new IllegalStateException("predicate bug");
            });
    assertThat(throwing.shouldRetry(new java.io.IOException(), 1)).isFalse();
  }
}

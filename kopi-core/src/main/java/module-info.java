/**
 * kopi's execution engine: pools for CPU-bound and I/O-bound work, a lazy streaming {@code map}
 * with chunking and bounded memory, staged pipelines with backpressure, error policies, progress
 * events and run statistics. Depends on the JDK only.
 */
module dev.kopi.core {
  requires static org.jspecify;
  requires java.management;

  exports dev.kopi.core;
}

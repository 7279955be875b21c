package dev.kopi.core;

import static dev.kopi.core.Checks.requireArgument;
import static dev.kopi.core.Checks.requireState;
import static java.util.Objects.requireNonNull;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Spliterators;
import java.util.stream.Stream;
import org.jspecify.annotations.Nullable;

/**
 * A chain of stages, each with its own pool, function and bounds, joined by bounded buffers, so
 * that different kinds of work overlap: while one item downloads on an I/O pool, others decode on
 * the CPU pool and a single ordered consumer writes them out.
 *
 * <pre>{@code
 * try (Pool io = Pool.io(64); Pool cpu = Pool.cpu()) {
 *   Pipeline<URI, Image> p = Pipeline.<URI>start()
 *       .then("download", io, uri -> fetch(uri))
 *       .then("decode", cpu, bytes -> decode(bytes));
 *   try (MapRun<URI, Image> run = p.run(uris)) {
 *     for (Result<URI, Image> r : run) { write(r); }
 *   }
 * }
 * }</pre>
 *
 * <p>The total time of a pipeline approaches that of its slowest stage (for an I/O stage of total
 * latency L at concurrency c and a CPU stage of total work W on N cores, about {@code max(L/c,
 * W/N)}), not the sum of the stages. Each item keeps its index and original input through every
 * stage ({@link ItemContext}); a stage's {@link StageOptions#maxInFlight} bounds the items in that
 * stage including those finished and waiting for the next one (backpressure: a slow stage makes the
 * ones before it wait), and the pipeline's own {@link #maxInFlight(int)} bounds the whole (and,
 * when ordered, the reorder buffer, whose items hold only their outputs and original inputs: an
 * item's input to a stage is released as soon as the item ends OK there). An item that finally
 * fails in a stage leaves the pipeline there (as a failed result under skip, or failing the run
 * under fail-fast) and does not reach later stages. The run behaves in every other way like a
 * {@link Pool#map} run: see {@link MapRun}.
 *
 * <p>Immutable: every method returns a new pipeline, so a pipeline can be built once and run many
 * times.
 *
 * @param <T> the type of the pipeline's input
 * @param <R> the type of the last stage's output
 */
public final class Pipeline<T extends @Nullable Object, R extends @Nullable Object> {
  private final List<Stage> stages;
  private final boolean ordered;
  private final int maxInFlight;
  private final RunListener listener;

  private record Stage(
      String name,
      Pool pool,
      ContextFunction<@Nullable Object, @Nullable Object> fn,
      @Nullable ItemFunction<@Nullable Object, @Nullable Object> plain,
      StageOptions options) {}

  private Pipeline(List<Stage> stages, boolean ordered, int maxInFlight, RunListener listener) {
    this.stages = stages;
    this.ordered = ordered;
    this.maxInFlight = maxInFlight;
    this.listener = listener;
  }

  /** An empty pipeline over inputs of type {@code T}; add stages with {@link #then}. */
  public static <T extends @Nullable Object> Pipeline<T, T> start() {
    return new Pipeline<>(List.of(), true, StageOptions.DEFAULT_MAX_IN_FLIGHT, RunListener.NONE);
  }

  /** Adds a stage with default {@link StageOptions}. */
  public <U extends @Nullable Object> Pipeline<T, U> then(
      String name, Pool pool, ItemFunction<? super R, ? extends U> fn) {
    return then(name, pool, fn, StageOptions.defaults());
  }

  /**
   * Adds a stage.
   *
   * @param name unique within the pipeline; names the stage in results, events and statistics
   * @throws IllegalArgumentException if the name is blank or already used
   */
  @SuppressWarnings("unchecked")
  public <U extends @Nullable Object> Pipeline<T, U> then(
      String name, Pool pool, ItemFunction<? super R, ? extends U> fn, StageOptions options) {
    requireNonNull(fn, "fn");
    ItemFunction<@Nullable Object, @Nullable Object> f =
        (ItemFunction<@Nullable Object, @Nullable Object>) (ItemFunction<?, ?>) fn;
    return add(name, pool, (value, ctx) -> f.apply(value), f, options);
  }

  /** Adds a stage whose function also receives the item's {@link ItemContext}. */
  @SuppressWarnings("unchecked")
  public <U extends @Nullable Object> Pipeline<T, U> thenWithContext(
      String name, Pool pool, ContextFunction<? super R, ? extends U> fn, StageOptions options) {
    requireNonNull(fn, "fn");
    return add(
        name,
        pool,
        (ContextFunction<@Nullable Object, @Nullable Object>) (ContextFunction<?, ?>) fn,
        null,
        options);
  }

  private <U extends @Nullable Object> Pipeline<T, U> add(
      String name,
      Pool pool,
      ContextFunction<@Nullable Object, @Nullable Object> fn,
      @Nullable ItemFunction<@Nullable Object, @Nullable Object> plain,
      StageOptions options) {
    requireNonNull(name, "name");
    requireNonNull(pool, "pool");
    requireNonNull(options, "options");
    requireArgument(!name.isBlank(), "a stage name must not be blank but it was '%s'", name);
    for (Stage s : stages) {
      requireArgument(
          !s.name().equals(name), "stage names must be unique but '%s' is used twice", name);
    }
    List<Stage> more = new ArrayList<>(stages);
    more.add(new Stage(name, pool, fn, plain, options));
    return new Pipeline<>(List.copyOf(more), ordered, maxInFlight, listener);
  }

  /** Input order (the default) or completion order; see {@link MapOptions#ordered(boolean)}. */
  public Pipeline<T, R> ordered(boolean ordered) {
    return new Pipeline<>(stages, ordered, maxInFlight, listener);
  }

  /**
   * Bounds the items admitted from the input and not yet delivered to the consumer, across all
   * stages; default 65,536.
   *
   * @throws IllegalArgumentException if {@code maxInFlight < 1}
   */
  public Pipeline<T, R> maxInFlight(int maxInFlight) {
    requireArgument(maxInFlight >= 1, "maxInFlight >= 1 required but it was %s", maxInFlight);
    return new Pipeline<>(stages, ordered, maxInFlight, listener);
  }

  /** Receives progress events; see {@link RunListener}. */
  public Pipeline<T, R> listener(RunListener listener) {
    requireNonNull(listener, "listener");
    return new Pipeline<>(stages, ordered, maxInFlight, listener);
  }

  /**
   * Runs the pipeline over {@code items}.
   *
   * @throws IllegalStateException if the pipeline has no stage
   * @throws java.util.concurrent.RejectedExecutionException if a stage's pool is closed
   */
  public MapRun<T, R> run(Iterator<? extends T> items) {
    return run(Sources.of(items, -1, null));
  }

  /**
   * Runs the pipeline over {@code items}; a collection's size is used for chunking and progress.
   */
  public MapRun<T, R> run(Iterable<? extends T> items) {
    return run(Sources.of(items));
  }

  /** Runs the pipeline over {@code items}; closing the run closes the stream. */
  public MapRun<T, R> run(Stream<? extends T> items) {
    requireNonNull(items, "items");
    var spliterator = items.spliterator();
    return run(
        Sources.of(
            Spliterators.iterator(spliterator), spliterator.getExactSizeIfKnown(), items::close));
  }

  private MapRun<T, R> run(Sources<? extends T> input) {
    requireState(!stages.isEmpty(), "a pipeline needs at least one stage to run");
    Coordinator.StageSpec[] specs = new Coordinator.StageSpec[stages.size()];
    for (int k = 0; k < specs.length; k++) {
      Stage s = stages.get(k);
      AbstractPool pool = ((AbstractPool) s.pool()).effective();
      if (pool.isClosed()) {
        throw new java.util.concurrent.RejectedExecutionException(
            "the pool of stage '" + s.name() + "' is closed: " + pool);
      }
      specs[k] = new Coordinator.StageSpec(s.name(), pool, s.fn(), s.plain(), s.options());
    }
    return new MapRun<>(new Coordinator(specs, input, ordered, maxInFlight, listener));
  }

  /** The stage names, in order. */
  public List<String> stageNames() {
    return stages.stream().map(Stage::name).toList();
  }

  @Override
  public String toString() {
    return "Pipeline" + stageNames() + (ordered ? " ordered" : " unordered");
  }
}

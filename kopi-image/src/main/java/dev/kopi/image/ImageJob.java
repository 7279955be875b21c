package dev.kopi.image;

import de.siegmar.fastcsv.writer.CsvWriter;
import de.siegmar.fastcsv.writer.LineDelimiter;
import dev.kopi.core.ErrorPolicy;
import dev.kopi.core.MapRun;
import dev.kopi.core.Pipeline;
import dev.kopi.core.Pool;
import dev.kopi.core.Result;
import dev.kopi.core.RunListener;
import dev.kopi.core.StageOptions;
import dev.kopi.image.npy.NpyFile;
import dev.kopi.image.source.SourceItem;
import dev.kopi.image.source.SourceList;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HexFormat;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import org.jspecify.annotations.Nullable;

/**
 * The image job: many image files of any format and size in, one {@code uint8} array of shape
 * {@code (N, H, W, 3)} out, plus an index with one row per input saying what happened to it.
 *
 * <pre>{@code
 * ImageJobReport report = ImageJob.run(
 *     ImageJobOptions.builder(Path.of("photos/"), Path.of("train.npy")).size(64, 64).build(),
 *     RunListener.NONE);
 * }</pre>
 *
 * <h2>How it runs</h2>
 *
 * <p>The inputs are listed twice, lazily: once to count them, fingerprint them and collect labels,
 * once to process them, through an ordered two-stage {@link Pipeline}: a few reader threads read
 * files ahead of the workers, so that waiting for the disk overlaps decoding instead of idling a
 * core, and workers of a {@link Pool#cpu(int) CPU pool} decode and resize them; the calling thread
 * writes each finished row into the array at its index and appends it to the journal. Memory is
 * bounded, not by N: at most {@code workers} files are being read or wait for a worker and {@code
 * workers + 1} are with the workers, each read ahead only up to 8 MiB (bigger files are read by
 * their worker); then the decoded images in the workers' hands, the pipeline's window of 256
 * finished rows, and the per-row table of statuses (10 bytes a row).
 *
 * <h2>Files</h2>
 *
 * <p>For output {@code OUT.npy}: while running, {@code OUT.npy.partial} (the array), {@code
 * OUT.npy.journal} (finished rows) and {@code OUT.npy.lock} (held, so a second run on the same
 * output fails at once). At the end, {@code OUT.index.csv} (and {@code OUT.labels.npy}, {@code
 * OUT.classes.txt} with a label column) are written to temporary files and renamed into place, the
 * array last; then the journal and lock are removed. A killed run leaves the partial array and the
 * journal; {@code resume} redoes only the rows the journal lacks, and the final files are
 * byte-identical to those of an uninterrupted run.
 */
public final class ImageJob {
  private static final int MAX_IN_FLIGHT = 256;

  /** The pipeline's stage that reads files ahead of the workers. */
  public static final String READ_STAGE = "read";

  /** The pipeline's stage that decodes and resizes on the workers. */
  public static final String DECODE_STAGE = "decode";

  private ImageJob() {}

  /** The index CSV's fixed columns, before the carried ones. */
  public static final List<String> INDEX_COLUMNS =
      List.of("row", "source", "status", "reason", "width", "height", "mode");

  /**
   * Runs the job.
   *
   * @throws IOException for what stops the whole job: an unreadable source, an unwritable or full
   *     output, a lock held by another run, a journal from different options
   */
  public static ImageJobReport run(ImageJobOptions o, RunListener listener) throws IOException {
    Path out = o.output().toAbsolutePath();
    Path dir = out.getParent();
    if (dir == null || !Files.isDirectory(dir)) {
      throw new IOException("the output's folder does not exist: " + (dir == null ? out : dir));
    }
    Outputs files = Outputs.of(out);
    try (FileChannel lockChannel =
            FileChannel.open(files.lock, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
        FileLock lock = tryLock(lockChannel, files)) {
      ImageJobReport report = runLocked(o, listener, files);
      if (report.aborted() == null) {
        Files.deleteIfExists(files.lock);
      }
      return report;
    }
  }

  private static FileLock tryLock(FileChannel channel, Outputs files) throws IOException {
    FileLock lock;
    try {
      lock = channel.tryLock();
    } catch (OverlappingFileLockException e) {
      lock = null;
    }
    if (lock == null) {
      throw new IOException(
          "another kopi run is writing " + files.npy + " (it holds " + files.lock + ")");
    }
    return lock;
  }

  private static ImageJobReport runLocked(ImageJobOptions o, RunListener listener, Outputs files)
      throws IOException {
    SourceList sources =
        SourceList.open(o.source(), o.pathColumn(), o.labelColumn(), o.followSymlinks());
    Scan scan = Scan.of(sources, o);
    long rows = scan.rows;
    RowTable table = new RowTable(rows);

    Journal journal;
    NpyFile npy;
    if (Files.exists(files.journal)) {
      if (!o.resume()) {
        throw new IOException(
            "an unfinished run left "
                + files.journal
                + "; pass --resume to continue it, or delete it to start over");
      }
      journal = Journal.resume(files.journal, scan.fingerprint, rows, table);
      npy = NpyFile.reopen(files.partial, "|u1", 1, rows, o.height(), o.width(), 3);
    } else {
      npy = NpyFile.create(files.partial, "|u1", 1, rows, o.height(), o.width(), 3);
      journal = Journal.create(files.journal, scan.fingerprint, rows);
    }
    long resumed = table.done();
    StageTimes times = new StageTimes();
    ItemProcessor processor = new ItemProcessor(o, times);
    String aborted = null;
    long failuresThisRun = 0;
    long previousFailures = 0;
    for (long r = 0; r < rows; r++) {
      if (table.isDone(r) && table.status(r) != ItemStatus.OK) {
        previousFailures++;
      }
    }
    // Reads run one file per task, as many at once as may wait, on platform threads: on virtual
    // threads (Pool.io) the same run used 0.4 s more CPU per 2,000 files, because a blocking file
    // read holds its carrier and the scheduler makes up for it with another. One file read ahead
    // per worker is enough (a read takes well under a decode) and keeps few files' bytes alive:
    // with twice that, --exact over 20,000 rows peaked at 455 MB RSS instead of 321 (bytes that
    // outlive a young collection are promoted), for no measurable gain from a cold cache.
    int readAhead = o.workers();
    StageOptions readStage =
        StageOptions.defaults().maxInFlight(readAhead).chunkSize(1).errorPolicy(ErrorPolicy.skip());
    StageOptions decodeStage =
        StageOptions.defaults()
            .maxInFlight(o.workers() + 1)
            .chunkSize(1)
            .errorPolicy(ErrorPolicy.skip());
    if (o.decodeTimeout() != null) {
      decodeStage = decodeStage.itemTimeout(o.decodeTimeout());
    }
    dev.kopi.core.RunStats stats;
    try (journal;
        npy;
        SourceList.SourceIterator all = sources.iterator();
        Pool readers = Pool.cpu(readAhead);
        Pool pool = Pool.cpu(o.workers());
        MapRun<SourceItem, ItemOutcome> run =
            Pipeline.<SourceItem>start()
                .then(READ_STAGE, readers, processor::read, readStage)
                .then(DECODE_STAGE, pool, processor::decode, decodeStage)
                .maxInFlight(MAX_IN_FLIGHT)
                .listener(listener)
                .run(sized(notDone(all, table), rows - resumed))) {
      for (Result<SourceItem, ItemOutcome> r : run) {
        ItemOutcome outcome = r.isOk() ? r.value() : failed(r);
        byte[] px = outcome.pixels();
        if (px != null) {
          long t0 = System.nanoTime();
          try {
            npy.writeRow(outcome.row(), ByteBuffer.wrap(px));
          } catch (IOException e) {
            throw new IOException(
                "writing "
                    + files.partial
                    + " failed ("
                    + e.getMessage()
                    + "); "
                    + table.done()
                    + " finished rows are kept: fix the cause and rerun with --resume",
                e);
          }
          times.write.add(System.nanoTime() - t0);
        }
        journal.append(outcome);
        table.record(
            outcome.row(),
            outcome.status(),
            outcome.reason(),
            outcome.width(),
            outcome.height(),
            outcome.mode());
        if (outcome.status() != ItemStatus.OK) {
          failuresThisRun++;
          if (o.maxFailures() >= 0 && previousFailures + failuresThisRun > o.maxFailures()) {
            aborted =
                (previousFailures + failuresThisRun)
                    + " items failed, more than --max-failures "
                    + o.maxFailures()
                    + "; the last was row "
                    + outcome.row()
                    + " ("
                    + outcome.status().label()
                    + ": "
                    + outcome.reason()
                    + ")";
            break;
          }
        }
      }
      stats = run.stats();
      if (aborted == null) {
        npy.force();
      }
    } catch (UncheckedIOException e) {
      throw e.getCause();
    }
    Map<ItemStatus, Long> counts = new EnumMap<>(ItemStatus.class);
    for (long r = 0; r < rows; r++) {
      if (table.isDone(r)) {
        counts.merge(table.status(r), 1L, Long::sum);
      }
    }
    Path labels = null;
    if (aborted == null) {
      writeIndex(sources, table, files);
      if (sources.hasLabels()) {
        labels = writeLabels(sources, scan.labels, rows, files);
      }
      move(files.partial, files.npy);
      Files.deleteIfExists(files.journal);
    }
    return new ImageJobReport(
        rows,
        counts,
        resumed,
        stats,
        times.snapshot(),
        times.decoderCounts(),
        aborted,
        files.npy,
        files.index,
        labels);
  }

  private static ItemOutcome failed(Result<SourceItem, ItemOutcome> r) {
    SourceItem item = r.input();
    if (r.status() == Result.Status.TIMED_OUT) {
      return new ItemOutcome(
          item.row(),
          ItemStatus.DECODE_TIMEOUT,
          "still decoding after the per-item timeout (--decode-timeout)",
          0,
          0,
          "",
          null);
    }
    return new ItemOutcome(
        item.row(), ItemStatus.CORRUPT, "unexpected failure: " + r.error(), 0, 0, "", null);
  }

  /** A stream of known size, so that progress shows a total and the engine balances the tail. */
  private static java.util.stream.Stream<SourceItem> sized(Iterator<SourceItem> items, long size) {
    return java.util.stream.StreamSupport.stream(
        java.util.Spliterators.spliterator(
            items, size, java.util.Spliterator.ORDERED | java.util.Spliterator.NONNULL),
        false);
  }

  /** The items whose rows are not finished yet (all of them on a fresh run). */
  private static Iterator<SourceItem> notDone(Iterator<SourceItem> all, RowTable table) {
    return new Iterator<>() {
      private @Nullable SourceItem next;

      @Override
      public boolean hasNext() {
        while (next == null && all.hasNext()) {
          SourceItem item = all.next();
          if (!table.isDone(item.row())) {
            next = item;
          }
        }
        return next != null;
      }

      @Override
      public SourceItem next() {
        if (!hasNext()) {
          throw new NoSuchElementException();
        }
        SourceItem item = java.util.Objects.requireNonNull(next);
        next = null;
        return item;
      }
    };
  }

  private static void writeIndex(SourceList sources, RowTable table, Outputs files)
      throws IOException {
    Path tmp = files.index.resolveSibling(files.index.getFileName() + ".tmp");
    List<String> header = new ArrayList<>(INDEX_COLUMNS);
    if (sources.hasLabels()) {
      header.add("label");
    }
    header.addAll(sources.carriedColumns());
    try (Writer w = Files.newBufferedWriter(tmp, StandardCharsets.UTF_8);
        CsvWriter csv = CsvWriter.builder().lineDelimiter(LineDelimiter.LF).build(w)) {
      csv.writeRecord(header);
      sources.forEach(
          item -> {
            long r = item.row();
            List<String> row = new ArrayList<>(header.size());
            row.add(Long.toString(r));
            row.add(item.source());
            row.add(table.status(r).label());
            row.add(table.reason(r));
            row.add(table.width(r) == 0 ? "" : Integer.toString(table.width(r)));
            row.add(table.height(r) == 0 ? "" : Integer.toString(table.height(r)));
            row.add(table.mode(r));
            String label = item.label();
            if (sources.hasLabels()) {
              row.add(label == null ? "" : label);
            }
            row.addAll(item.carried());
            csv.writeRecord(row);
          });
    }
    force(tmp);
    move(tmp, files.index);
  }

  private static Path writeLabels(
      SourceList sources, List<String> classes, long rows, Outputs files) throws IOException {
    Path tmp = files.labels.resolveSibling(files.labels.getFileName() + ".tmp");
    Map<String, Long> code = new java.util.HashMap<>();
    for (int i = 0; i < classes.size(); i++) {
      code.put(classes.get(i), (long) i);
    }
    try (NpyFile npy = NpyFile.create(tmp, "<i8", 8, rows)) {
      ByteBuffer b = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN);
      sources.forEach(
          item -> {
            String label = item.label();
            b.putLong(0, label == null ? -1 : code.getOrDefault(label, -1L));
            try {
              npy.writeRow(item.row(), b.duplicate().rewind());
            } catch (IOException e) {
              throw new UncheckedIOException(e);
            }
          });
      npy.force();
    }
    Path classesTmp = files.classes.resolveSibling(files.classes.getFileName() + ".tmp");
    Files.write(classesTmp, classes, StandardCharsets.UTF_8);
    force(classesTmp);
    move(classesTmp, files.classes);
    move(tmp, files.labels);
    return files.labels;
  }

  private static void force(Path p) throws IOException {
    try (FileChannel ch = FileChannel.open(p, StandardOpenOption.WRITE)) {
      ch.force(true);
    }
  }

  /** Publishes a finished file: an atomic rename where the file system allows it. */
  private static void move(Path from, Path to) throws IOException {
    try {
      Files.move(from, to, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    } catch (AtomicMoveNotSupportedException e) {
      Files.move(from, to, StandardCopyOption.REPLACE_EXISTING);
    }
  }

  /** The files of one output. */
  record Outputs(
      Path npy, Path partial, Path journal, Path lock, Path index, Path labels, Path classes) {
    static Outputs of(Path npy) {
      String name = npy.getFileName().toString();
      String stem = name.endsWith(".npy") ? name.substring(0, name.length() - 4) : name;
      return new Outputs(
          npy,
          npy.resolveSibling(name + ".partial"),
          npy.resolveSibling(name + ".journal"),
          npy.resolveSibling(name + ".lock"),
          npy.resolveSibling(stem + ".index.csv"),
          npy.resolveSibling(stem + ".labels.npy"),
          npy.resolveSibling(stem + ".classes.txt"));
    }
  }

  /** The first pass: count, fingerprint, labels. */
  private record Scan(long rows, String fingerprint, List<String> labels) {
    static Scan of(SourceList sources, ImageJobOptions o) throws IOException {
      MessageDigest sha;
      try {
        sha = MessageDigest.getInstance("SHA-256");
      } catch (NoSuchAlgorithmException e) {
        throw new IllegalStateException(e);
      }
      sha.update(o.outputDefining().getBytes(StandardCharsets.UTF_8));
      long[] rows = {0};
      java.util.TreeSet<String> labels = new java.util.TreeSet<>();
      sources.forEach(
          item -> {
            rows[0]++;
            sha.update((byte) 0);
            sha.update(item.source().getBytes(StandardCharsets.UTF_8));
            String label = item.label();
            if (label != null) {
              sha.update((byte) 1);
              sha.update(label.getBytes(StandardCharsets.UTF_8));
              labels.add(label);
            }
            for (String c : item.carried()) {
              sha.update((byte) 2);
              sha.update(c.getBytes(StandardCharsets.UTF_8));
            }
          });
      return new Scan(rows[0], HexFormat.of().formatHex(sha.digest()), List.copyOf(labels));
    }
  }
}

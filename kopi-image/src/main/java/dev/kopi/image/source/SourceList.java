package dev.kopi.image.source;

import de.siegmar.fastcsv.reader.CsvReader;
import de.siegmar.fastcsv.reader.NamedCsvRecord;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.NoSuchElementException;
import java.util.Set;
import java.util.function.Consumer;
import org.jspecify.annotations.Nullable;

/**
 * The image job's inputs, readable more than once (once to count and fingerprint them, once to
 * process them) without holding them all in memory:
 *
 * <ul>
 *   <li>a <b>directory</b>: every file below it with an image extension (jpg, jpeg, png, gif, bmp,
 *       tif, tiff, webp; any case), hidden entries skipped, in sorted path order: directories are
 *       walked depth first with each directory's entries sorted by name, which is the order of
 *       Python's {@code sorted(Path.rglob(...))}. Symbolic links are listed (and then refused by
 *       the job unless it follows links) but never walked into unless {@code followSymlinks};
 *   <li>a <b>CSV</b> file ({@code .csv}, or any file when a path column is given): a header row,
 *       then one item per row; the path column names the image (relative paths resolve against the
 *       CSV's folder), an optional label column gives its class, and every other column is carried
 *       to the index;
 *   <li>any other file: a <b>list of paths</b>, one per line (blank lines skipped), relative to the
 *       list's folder.
 * </ul>
 */
public final class SourceList {
  private static final Set<String> EXTENSIONS =
      Set.of("jpg", "jpeg", "png", "gif", "bmp", "tif", "tiff", "webp");

  private enum Kind {
    DIRECTORY,
    CSV,
    LINES
  }

  private final Path source;
  private final Kind kind;
  private final String pathColumn;
  private final @Nullable String labelColumn;
  private final boolean followSymlinks;
  private final List<String> carriedColumns;

  private SourceList(
      Path source,
      Kind kind,
      String pathColumn,
      @Nullable String labelColumn,
      boolean followSymlinks,
      List<String> carriedColumns) {
    this.source = source;
    this.kind = kind;
    this.pathColumn = pathColumn;
    this.labelColumn = labelColumn;
    this.followSymlinks = followSymlinks;
    this.carriedColumns = carriedColumns;
  }

  /**
   * Opens {@code source}.
   *
   * @param pathColumn the CSV column holding paths; {@code null} for "path" (and for non-CSV
   *     sources)
   * @param labelColumn the CSV column holding labels, or {@code null}
   * @throws IOException if the source cannot be read, or a named column is missing (the message
   *     lists the columns there are)
   */
  public static SourceList open(
      Path source,
      @Nullable String pathColumn,
      @Nullable String labelColumn,
      boolean followSymlinks)
      throws IOException {
    if (Files.isDirectory(source)) {
      if (labelColumn != null) {
        throw new IllegalArgumentException(
            "--label-column needs a CSV source, but " + source + " is a directory");
      }
      return new SourceList(source, Kind.DIRECTORY, "path", null, followSymlinks, List.of());
    }
    if (!Files.isRegularFile(source)) {
      throw new IOException(
          "the source " + source + " does not exist or is not a file or directory");
    }
    boolean csv =
        pathColumn != null
            || labelColumn != null
            || source.getFileName().toString().toLowerCase(Locale.ROOT).endsWith(".csv");
    if (!csv) {
      if (labelColumn != null) {
        throw new IllegalArgumentException("--label-column needs a CSV source");
      }
      return new SourceList(source, Kind.LINES, "path", null, followSymlinks, List.of());
    }
    String pc = pathColumn != null ? pathColumn : "path";
    List<String> header;
    try (CsvReader<NamedCsvRecord> r = CsvReader.builder().ofNamedCsvRecord(source)) {
      Iterator<NamedCsvRecord> it = r.iterator();
      header = it.hasNext() ? it.next().getHeader() : readHeaderOnly(source);
    } catch (UncheckedIOException e) {
      throw e.getCause();
    }
    if (!header.contains(pc)) {
      throw new IllegalArgumentException(
          "the CSV "
              + source
              + " has no column '"
              + pc
              + "' (--path-column); its columns are "
              + header);
    }
    if (labelColumn != null && !header.contains(labelColumn)) {
      throw new IllegalArgumentException(
          "the CSV "
              + source
              + " has no column '"
              + labelColumn
              + "' (--label-column); its"
              + " columns are "
              + header);
    }
    List<String> carried = new ArrayList<>();
    for (String h : header) {
      if (!h.equals(pc) && !h.equals(labelColumn)) {
        carried.add(h);
      }
    }
    return new SourceList(source, Kind.CSV, pc, labelColumn, followSymlinks, List.copyOf(carried));
  }

  private static List<String> readHeaderOnly(Path csv) throws IOException {
    try (BufferedReader r = Files.newBufferedReader(csv, StandardCharsets.UTF_8)) {
      String line = r.readLine();
      if (line == null || line.isBlank()) {
        return List.of();
      }
      return List.of(line.split(",", -1));
    }
  }

  /** The CSV columns carried to the index (none for other sources). */
  public List<String> carriedColumns() {
    return carriedColumns;
  }

  /** Whether items have labels. */
  public boolean hasLabels() {
    return labelColumn != null;
  }

  /** Walks every item in order, calling {@code action}; I/O errors propagate. */
  public void forEach(Consumer<SourceItem> action) throws IOException {
    try (SourceIterator it = iterator()) {
      while (it.hasNext()) {
        action.accept(it.next());
      }
    } catch (UncheckedIOException e) {
      throw e.getCause();
    }
  }

  /**
   * A lazy iterator over the items; it holds the directory listings on the current path (or the
   * open file) only. I/O errors surface as {@link UncheckedIOException} from {@code next}.
   */
  public SourceIterator iterator() throws IOException {
    return switch (kind) {
      case DIRECTORY -> new DirectoryIterator();
      case LINES, CSV -> fileIterator();
    };
  }

  private SourceIterator fileIterator() throws IOException {
    Path base = baseDir();
    if (kind == Kind.LINES) {
      BufferedReader r = Files.newBufferedReader(source, StandardCharsets.UTF_8);
      return new SourceIterator() {
        private @Nullable SourceItem nextItem;
        private long row;

        @Override
        public boolean hasNext() {
          try {
            String line;
            while (nextItem == null && (line = r.readLine()) != null) {
              String p = line.strip();
              if (!p.isEmpty()) {
                nextItem = new SourceItem(row++, p, base.resolve(p), null, List.of());
              }
            }
          } catch (IOException e) {
            throw new UncheckedIOException(e);
          }
          return nextItem != null;
        }

        @Override
        public SourceItem next() {
          SourceItem item = nextItem;
          if (item == null && !hasNext()) {
            throw new NoSuchElementException();
          }
          item = nextItem;
          nextItem = null;
          return java.util.Objects.requireNonNull(item);
        }

        @Override
        public void close() throws IOException {
          r.close();
        }
      };
    }
    CsvReader<NamedCsvRecord> reader = CsvReader.builder().ofNamedCsvRecord(source);
    var records = reader.iterator();
    return new SourceIterator() {
      private long row;

      @Override
      public boolean hasNext() {
        return records.hasNext();
      }

      @Override
      public SourceItem next() {
        return toItem(records.next(), row++, base);
      }

      @Override
      public void close() throws IOException {
        reader.close();
      }
    };
  }

  private SourceItem toItem(NamedCsvRecord rec, long row, Path base) {
    String p = rec.findField(pathColumn).orElse("").strip();
    String label = labelColumn == null ? null : rec.findField(labelColumn).orElse("");
    List<String> carried = new ArrayList<>(carriedColumns.size());
    for (String c : carriedColumns) {
      carried.add(rec.findField(c).orElse(""));
    }
    return new SourceItem(row, p, base.resolve(p), label, List.copyOf(carried));
  }

  /** A lazy iteration over the items that holds an open file until closed. */
  public interface SourceIterator extends Iterator<SourceItem>, java.io.Closeable {}

  private Path baseDir() {
    Path parent = source.toAbsolutePath().getParent();
    return parent != null ? parent : source.toAbsolutePath();
  }

  /** Depth-first, each directory's entries sorted by name. */
  private final class DirectoryIterator implements SourceIterator {
    private final Deque<Iterator<Path>> stack = new ArrayDeque<>();
    private @Nullable SourceItem nextItem;
    private long row;

    DirectoryIterator() throws IOException {
      stack.push(sorted(source));
    }

    private Iterator<Path> sorted(Path dir) throws IOException {
      List<Path> entries = new ArrayList<>();
      try (DirectoryStream<Path> ds = Files.newDirectoryStream(dir)) {
        for (Path p : ds) {
          if (!p.getFileName().toString().startsWith(".")) {
            entries.add(p);
          }
        }
      }
      entries.sort((a, b) -> a.getFileName().toString().compareTo(b.getFileName().toString()));
      return entries.iterator();
    }

    @Override
    public boolean hasNext() {
      try {
        while (nextItem == null && !stack.isEmpty()) {
          Iterator<Path> top = stack.peek();
          if (!top.hasNext()) {
            stack.pop();
            continue;
          }
          Path p = top.next();
          boolean dir =
              followSymlinks
                  ? Files.isDirectory(p)
                  : Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS);
          if (dir) {
            stack.push(sorted(p));
          } else if (isImageName(p)) {
            String rel = source.relativize(p).toString();
            nextItem = new SourceItem(row++, rel, p, null, List.of());
          }
        }
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
      return nextItem != null;
    }

    @Override
    public SourceItem next() {
      if (!hasNext()) {
        throw new NoSuchElementException();
      }
      SourceItem item = java.util.Objects.requireNonNull(nextItem);
      nextItem = null;
      return item;
    }

    @Override
    public void close() {
      stack.clear();
    }
  }

  private static boolean isImageName(Path p) {
    String name = p.getFileName().toString();
    int dot = name.lastIndexOf('.');
    return dot > 0 && EXTENSIONS.contains(name.substring(dot + 1).toLowerCase(Locale.ROOT));
  }
}

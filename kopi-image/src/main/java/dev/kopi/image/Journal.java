package dev.kopi.image;

import de.siegmar.fastcsv.reader.CsvReader;
import de.siegmar.fastcsv.reader.CsvRecord;
import de.siegmar.fastcsv.writer.CsvWriter;
import de.siegmar.fastcsv.writer.LineDelimiter;
import java.io.IOException;
import java.io.OutputStream;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * The record of finished items that makes a killed run resumable. One header line naming the run's
 * fingerprint and row count, then one CSV line per finished item (row, status, reason, width,
 * height, mode), appended and flushed only after the item's row is in the array file. So after a
 * crash at any instant every journalled row is complete in the array; a torn last line is cut off
 * when the journal is reopened, and its item is simply done again.
 */
final class Journal implements AutoCloseable {
  private static final String MAGIC = "kopi-journal 1";

  private final Writer out;
  private final CsvWriter csv;

  private Journal(OutputStream stream) {
    this.out = new OutputStreamWriter(stream, StandardCharsets.UTF_8);
    this.csv = CsvWriter.builder().lineDelimiter(LineDelimiter.LF).build(out);
  }

  static String header(String fingerprint, long rows) {
    return MAGIC + " " + fingerprint + " " + rows;
  }

  /** Starts a new journal (replacing any). */
  static Journal create(Path path, String fingerprint, long rows) throws IOException {
    Files.writeString(path, header(fingerprint, rows) + "\n", StandardCharsets.UTF_8);
    return open(path);
  }

  /**
   * Replays an existing journal into {@code table} and opens it for appending.
   *
   * @throws IOException if the journal belongs to a run with other options or inputs, with a
   *     message saying what to do
   */
  static Journal resume(Path path, String fingerprint, long rows, RowTable table)
      throws IOException {
    byte[] bytes = Files.readAllBytes(path);
    int end = bytes.length;
    while (end > 0 && bytes[end - 1] != '\n') {
      end--; // a torn last line: its item is done again
    }
    String text = new String(bytes, 0, end, StandardCharsets.UTF_8);
    int firstLine = text.indexOf('\n');
    String head = firstLine < 0 ? "" : text.substring(0, firstLine);
    if (!head.equals(header(fingerprint, rows))) {
      throw new IOException(
          "cannot resume: "
              + path
              + " was written by a run with different options or inputs; rerun without --resume"
              + " to start over");
    }
    try (CsvReader<CsvRecord> reader =
        CsvReader.builder().ofCsvRecord(text.substring(firstLine + 1))) {
      for (CsvRecord rec : reader) {
        if (rec.getFieldCount() != 6) {
          throw new IOException(
              "the journal " + path + " is damaged at line " + rec.getStartingLineNumber());
        }
        table.record(
            Long.parseLong(rec.getField(0)),
            ItemStatus.valueOf(rec.getField(1)),
            rec.getField(2),
            Integer.parseInt(rec.getField(3)),
            Integer.parseInt(rec.getField(4)),
            rec.getField(5));
      }
    } catch (RuntimeException e) {
      throw new IOException("the journal " + path + " is damaged: " + e.getMessage(), e);
    }
    if (end < bytes.length) {
      try (FileChannel ch = FileChannel.open(path, StandardOpenOption.WRITE)) {
        ch.truncate(end);
      }
    }
    return open(path);
  }

  private static Journal open(Path path) throws IOException {
    return new Journal(Files.newOutputStream(path, StandardOpenOption.APPEND));
  }

  /** Appends one finished item and flushes it to the operating system. */
  void append(ItemOutcome o) throws IOException {
    csv.writeRecord(
        Long.toString(o.row()),
        o.status().name(),
        o.reason().replace('\n', ' ').replace('\r', ' '),
        Integer.toString(o.width()),
        Integer.toString(o.height()),
        o.mode());
    csv.flush();
  }

  @Override
  public void close() throws IOException {
    csv.close();
  }
}

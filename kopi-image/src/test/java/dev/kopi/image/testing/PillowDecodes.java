package dev.kopi.image.testing;

import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * Asks the reference Pillow ({@link ReferencePython}) to decode many files in one Python process:
 * for each request, {@code Image.open(path)}'s mode and size, and the bytes of {@code
 * convert(mode)}, reduced with {@code reduce(k)} when k > 1; or why Pillow refused the file.
 * Callers check {@link ReferencePython#require()} first.
 */
public final class PillowDecodes {
  /** Decode {@code path}, {@code convert(mode)} ("RGB" or "RGBA"), then {@code reduce(k)}. */
  public record Request(Path path, String mode, int reduce) {}

  /**
   * Pillow's answer: the opened image's mode and size and the converted bytes; or, when Pillow
   * raised, {@code pixels} is null and {@code error} names the exception.
   */
  @SuppressWarnings("ArrayRecordComponent")
  public record Answer(String mode, int width, int height, byte @Nullable [] pixels, String error) {
    public boolean failed() {
      return pixels == null;
    }
  }

  private static final String SCRIPT =
      String.join(
          "\n",
          "import sys, struct",
          "from PIL import Image",
          "def put(out, s):",
          "    b = s.encode('utf-8')",
          "    out.write(struct.pack('>i', len(b)) + b)",
          "with open(sys.argv[1]) as spec, open(sys.argv[2], 'wb') as out:",
          "    for line in spec:",
          "        path, mode, k = line.rstrip('\\n').rsplit(' ', 2)",
          "        m, w, h = '', 0, 0",
          "        try:",
          "            im = Image.open(path)",
          "            m, (w, h) = im.mode, im.size",
          "            im = im.convert(mode)",
          "            if int(k) > 1:",
          "                im = im.reduce(int(k))",
          "            b, err = im.tobytes(), ''",
          "        except Exception as e:",
          "            b, err = None, '%s: %s' % (type(e).__name__, e)",
          "        put(out, m)",
          "        out.write(struct.pack('>ii', w, h))",
          "        put(out, err)",
          "        out.write(struct.pack('>i', -1) if b is None else struct.pack('>i', len(b)) + b)");

  private PillowDecodes() {}

  /** Runs every request; {@code dir} holds the exchange files. Answers are in request order. */
  public static List<Answer> run(Path dir, List<Request> requests) throws IOException {
    StringBuilder spec = new StringBuilder();
    for (Request r : requests) {
      spec.append(r.path()).append(' ').append(r.mode()).append(' ').append(r.reduce());
      spec.append('\n');
    }
    Path specFile = Files.createTempFile(dir, "pillow", ".spec");
    Path out = Files.createTempFile(dir, "pillow", ".bin");
    Files.writeString(specFile, spec, StandardCharsets.UTF_8);
    ReferencePython.run(SCRIPT, specFile.toString(), out.toString());
    List<Answer> answers = new ArrayList<>();
    try (InputStream in = Files.newInputStream(out);
        DataInputStream d = new DataInputStream(in)) {
      for (int i = 0; i < requests.size(); i++) {
        String mode = string(d);
        int w = d.readInt();
        int h = d.readInt();
        String error = string(d);
        int n = d.readInt();
        answers.add(new Answer(mode, w, h, n < 0 ? null : d.readNBytes(n), error));
      }
    }
    return answers;
  }

  private static String string(DataInputStream d) throws IOException {
    return new String(d.readNBytes(d.readInt()), StandardCharsets.UTF_8);
  }
}

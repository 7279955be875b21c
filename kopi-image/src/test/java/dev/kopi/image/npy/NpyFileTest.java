package dev.kopi.image.npy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.kopi.image.testing.ReferencePython;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class NpyFileTest {
  @TempDir Path dir;

  @Test
  void headerIsAlignedAndDescribesTheArray() {
    byte[] h = NpyFile.header("|u1", 5, 64, 64, 3);
    assertThat(h.length % 64).isZero();
    assertThat(h[6]).isEqualTo((byte) 1);
    String dict = new String(h, 10, h.length - 10, java.nio.charset.StandardCharsets.US_ASCII);
    assertThat(dict)
        .startsWith("{'descr': '|u1', 'fortran_order': False, 'shape': (5, 64, 64, 3), }")
        .endsWith("\n");
    assertThat(new String(NpyFile.header("<i8", 7), java.nio.charset.StandardCharsets.US_ASCII))
        .contains("'shape': (7,)");
  }

  @Test
  void rowsLandAtTheirIndexWhateverTheOrderAndGapsReadAsZeros() throws Exception {
    Path f = dir.resolve("a.npy");
    try (NpyFile npy = NpyFile.create(f, "|u1", 1, 4, 2, 3)) {
      npy.writeRow(3, new byte[] {3, 3, 3, 3, 3, 3});
      npy.writeRow(0, new byte[] {0, 1, 2, 3, 4, 5});
      assertThatThrownBy(() -> npy.writeRow(4, new byte[6]))
          .isInstanceOf(IndexOutOfBoundsException.class);
      assertThatThrownBy(() -> npy.writeRow(1, new byte[5]))
          .hasMessage("a row of 6 bytes required but it was 5");
    }
    byte[] all = Files.readAllBytes(f);
    int data = all.length - 4 * 6;
    assertThat(data).isEqualTo(NpyFile.header("|u1", 4, 2, 3).length);
    assertThat(java.util.Arrays.copyOfRange(all, data, data + 6)).containsExactly(0, 1, 2, 3, 4, 5);
    assertThat(java.util.Arrays.copyOfRange(all, data + 6, data + 18)).containsOnly(0);
    assertThat(java.util.Arrays.copyOfRange(all, data + 18, data + 24)).containsOnly(3);
  }

  @Test
  void reopeningChecksTheHeader() throws Exception {
    Path f = dir.resolve("b.npy");
    NpyFile.create(f, "|u1", 1, 2, 3).close();
    try (NpyFile again = NpyFile.reopen(f, "|u1", 1, 2, 3)) {
      again.writeRow(1, new byte[] {7, 8, 9});
    }
    assertThatThrownBy(() -> NpyFile.reopen(f, "|u1", 1, 3, 3))
        .hasMessageContaining("not the same array header");
  }

  @Test
  void numpyLoadsWhatWeWrite() throws Exception {
    ReferencePython.require();
    Path images = dir.resolve("x.npy");
    Path labels = dir.resolve("y.npy");
    try (NpyFile npy = NpyFile.create(images, "|u1", 1, 3, 2, 2, 3)) {
      for (int i = 0; i < 3; i++) {
        byte[] row = new byte[12];
        for (int j = 0; j < 12; j++) {
          row[j] = (byte) (i * 50 + j);
        }
        npy.writeRow(i, row);
      }
    }
    try (NpyFile npy = NpyFile.create(labels, "<i8", 8, 3)) {
      for (int i = 0; i < 3; i++) {
        npy.writeRow(
            i, ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(0, 1L << (20 * i)));
      }
    }
    String out =
        ReferencePython.run(
            String.join(
                "\n",
                "import sys, numpy as np",
                "a = np.load(sys.argv[1], mmap_mode='r')",
                "b = np.load(sys.argv[2])",
                "print(a.dtype, a.shape, a.flags['C_CONTIGUOUS'], int(a[2, 1, 1, 2]), int(a.sum()))",
                "print(b.dtype, b.shape, list(b))"),
            images.toString(),
            labels.toString());
    long sum = 0;
    for (int i = 0; i < 3; i++) {
      for (int j = 0; j < 12; j++) {
        sum += i * 50 + j;
      }
    }
    assertThat(out.lines())
        .containsExactly(
            "uint8 (3, 2, 2, 3) True " + (100 + 11) + " " + sum,
            "int64 (3,) [1, 1048576, 1099511627776]");
  }
}

package dev.kopi.image.jpeg;

import java.awt.image.BufferedImage;
import java.awt.image.Raster;
import java.awt.image.WritableRaster;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.Iterator;
import java.util.Random;
import javax.imageio.IIOImage;
import javax.imageio.ImageIO;
import javax.imageio.ImageTypeSpecifier;
import javax.imageio.ImageWriteParam;
import javax.imageio.ImageWriter;
import javax.imageio.metadata.IIOMetadata;
import javax.imageio.metadata.IIOMetadataNode;
import javax.imageio.plugins.jpeg.JPEGImageWriteParam;
import javax.imageio.stream.ImageOutputStream;
import org.w3c.dom.Node;

/**
 * Generates JPEG test files with the JDK's own encoder (libjpeg 6b inside), which, through its
 * native metadata tree, lets a test choose every sampling factor, the restart interval, progressive
 * scans, optimised Huffman tables and the quality.
 */
final class JpegSamples {
  private JpegSamples() {}

  private static final String FORMAT = "javax_imageio_jpeg_image_1.0";

  /** Encoding choices. {@code h}/{@code v}: sampling factors per component. */
  record Encoding(
      int quality, int[] h, int[] v, int restartInterval, boolean progressive, boolean optimize) {
    static Encoding of(int quality, String sampling) {
      String[] parts = sampling.split(",");
      int[] h = new int[parts.length];
      int[] v = new int[parts.length];
      for (int i = 0; i < parts.length; i++) {
        h[i] = parts[i].charAt(0) - '0';
        v[i] = parts[i].charAt(2) - '0';
      }
      return new Encoding(quality, h, v, 0, false, false);
    }

    Encoding withRestart(int interval) {
      return new Encoding(quality, h, v, interval, progressive, optimize);
    }

    Encoding withProgressive() {
      return new Encoding(quality, h, v, restartInterval, true, optimize);
    }

    Encoding withOptimize() {
      return new Encoding(quality, h, v, restartInterval, progressive, true);
    }
  }

  /**
   * A photo-like image: smooth gradients, soft blobs, hard edges and sensor-like noise, so that
   * every frequency band carries data.
   */
  static BufferedImage photo(int w, int h, long seed, int type) {
    Random rnd = new Random(seed);
    BufferedImage img = new BufferedImage(w, h, type);
    WritableRaster r = img.getRaster();
    int bands = r.getNumBands();
    double[] fx = new double[bands];
    double[] fy = new double[bands];
    double[] ph = new double[bands];
    for (int b = 0; b < bands; b++) {
      fx[b] = 0.5 + rnd.nextDouble() * 6;
      fy[b] = 0.5 + rnd.nextDouble() * 6;
      ph[b] = rnd.nextDouble() * 6.3;
    }
    int cx = rnd.nextInt(w);
    int cy = rnd.nextInt(h);
    int radius = 1 + Math.min(w, h) / 3;
    int[] px = new int[bands];
    for (int y = 0; y < h; y++) {
      for (int x = 0; x < w; x++) {
        boolean inside = (x - cx) * (x - cx) + (y - cy) * (y - cy) < radius * radius;
        for (int b = 0; b < bands; b++) {
          double v =
              128
                  + 70 * Math.sin(fx[b] * x / w * 6.28 + ph[b]) * Math.cos(fy[b] * y / h * 6.28)
                  + (inside ? 40 : -20)
                  + rnd.nextGaussian() * 12;
          px[b] = (int) Math.max(0, Math.min(255, Math.round(v)));
        }
        r.setPixel(x, y, px);
      }
    }
    return img;
  }

  /** Encodes an RGB or grey image with the JDK's JPEG writer. */
  static byte[] encode(BufferedImage img, Encoding e) throws IOException {
    ImageWriter writer = jdkWriter();
    try {
      ImageWriteParam p = writer.getDefaultWriteParam();
      p.setCompressionMode(ImageWriteParam.MODE_EXPLICIT);
      p.setCompressionQuality(e.quality() / 100f);
      if (e.progressive()) {
        p.setProgressiveMode(ImageWriteParam.MODE_DEFAULT);
      }
      ((JPEGImageWriteParam) p).setOptimizeHuffmanTables(e.optimize());
      IIOMetadata md = writer.getDefaultImageMetadata(new ImageTypeSpecifier(img), p);
      adjust(md, e);
      return write(writer, new IIOImage(img, null, md), p);
    } finally {
      writer.dispose();
    }
  }

  /**
   * Encodes four bands (stored CMYK values) as YCCK: the writer converts them and marks the file
   * with Adobe's transform 2, as Photoshop does.
   */
  static byte[] encodeYcck(Raster cmyk, Encoding e) throws IOException {
    ImageWriter writer = jdkWriter();
    try {
      ImageWriteParam p = writer.getDefaultWriteParam();
      p.setCompressionMode(ImageWriteParam.MODE_EXPLICIT);
      p.setCompressionQuality(e.quality() / 100f);
      // Start from an RGB file's tree: drop JFIF (it implies YCbCr), mark Adobe YCCK, and give
      // the frame and the scan a fourth component.
      IIOMetadata md =
          writer.getDefaultImageMetadata(
              ImageTypeSpecifier.createFromBufferedImageType(BufferedImage.TYPE_3BYTE_BGR), p);
      IIOMetadataNode root = (IIOMetadataNode) md.getAsTree(FORMAT);
      IIOMetadataNode variety = (IIOMetadataNode) root.getElementsByTagName("JPEGvariety").item(0);
      while (variety.getFirstChild() != null) {
        variety.removeChild(variety.getFirstChild());
      }
      IIOMetadataNode seq = (IIOMetadataNode) root.getElementsByTagName("markerSequence").item(0);
      IIOMetadataNode adobe = new IIOMetadataNode("app14Adobe");
      adobe.setAttribute("transform", "2");
      seq.appendChild(adobe);
      IIOMetadataNode sof = (IIOMetadataNode) seq.getElementsByTagName("sof").item(0);
      sof.setAttribute("numFrameComponents", "4");
      sof.appendChild(sof.getLastChild().cloneNode(true));
      int i = 0;
      for (Node n = sof.getFirstChild(); n != null; n = n.getNextSibling(), i++) {
        IIOMetadataNode cs = (IIOMetadataNode) n;
        cs.setAttribute("componentId", Integer.toString(i + 1));
        cs.setAttribute("HsamplingFactor", Integer.toString(e.h()[i]));
        cs.setAttribute("VsamplingFactor", Integer.toString(e.v()[i]));
        cs.setAttribute("QtableSelector", i == 0 || i == 3 ? "0" : "1");
      }
      IIOMetadataNode sos = (IIOMetadataNode) seq.getElementsByTagName("sos").item(0);
      sos.setAttribute("numScanComponents", "4");
      sos.appendChild(sos.getLastChild().cloneNode(true));
      i = 0;
      for (Node n = sos.getFirstChild(); n != null; n = n.getNextSibling(), i++) {
        IIOMetadataNode cs = (IIOMetadataNode) n;
        cs.setAttribute("componentSelector", Integer.toString(i + 1));
        cs.setAttribute("dcHuffTable", i == 0 || i == 3 ? "0" : "1");
        cs.setAttribute("acHuffTable", i == 0 || i == 3 ? "0" : "1");
      }
      md.setFromTree(FORMAT, root);
      return write(writer, new IIOImage(cmyk, null, md), p);
    } finally {
      writer.dispose();
    }
  }

  private static byte[] write(ImageWriter writer, IIOImage image, ImageWriteParam p)
      throws IOException {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (ImageOutputStream out = ImageIO.createImageOutputStream(bytes)) {
      writer.setOutput(out);
      writer.write(null, image, p);
    }
    return bytes.toByteArray();
  }

  private static void adjust(IIOMetadata md, Encoding e) throws IOException {
    IIOMetadataNode root = (IIOMetadataNode) md.getAsTree(FORMAT);
    IIOMetadataNode seq = (IIOMetadataNode) root.getElementsByTagName("markerSequence").item(0);
    IIOMetadataNode sof = (IIOMetadataNode) seq.getElementsByTagName("sof").item(0);
    int i = 0;
    for (Node n = sof.getFirstChild(); n != null; n = n.getNextSibling(), i++) {
      IIOMetadataNode cs = (IIOMetadataNode) n;
      cs.setAttribute("HsamplingFactor", Integer.toString(e.h()[i]));
      cs.setAttribute("VsamplingFactor", Integer.toString(e.v()[i]));
    }
    if (e.restartInterval() > 0) {
      IIOMetadataNode dri = new IIOMetadataNode("dri");
      dri.setAttribute("interval", Integer.toString(e.restartInterval()));
      seq.insertBefore(dri, seq.getFirstChild());
    }
    md.setFromTree(FORMAT, root);
  }

  private static ImageWriter jdkWriter() {
    Iterator<ImageWriter> it = ImageIO.getImageWritersByFormatName("jpeg");
    while (it.hasNext()) {
      ImageWriter w = it.next();
      if (w.getClass().getName().startsWith("com.sun.imageio")) {
        return w;
      }
    }
    throw new IllegalStateException("the JDK's JPEG writer is not available");
  }
}

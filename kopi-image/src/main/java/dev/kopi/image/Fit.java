package dev.kopi.image;

/** How an image's aspect ratio is reconciled with the target size. */
public enum Fit {
  /** Resize to the target size, distorting the aspect ratio (the classic {@code resize}). */
  STRETCH,
  /** Centre-crop to the target aspect ratio, then resize (Pillow's {@code ImageOps.fit}). */
  CROP,
  /** Resize to fit inside, then pad with the background colour (Pillow's {@code ImageOps.pad}). */
  PAD
}

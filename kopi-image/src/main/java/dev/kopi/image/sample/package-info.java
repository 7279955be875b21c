/** A deterministic synthetic corpus of photo-like images, for demos, tests and benchmarks. */
@NullMarked
package dev.kopi.image.sample;

import org.jspecify.annotations.NullMarked;

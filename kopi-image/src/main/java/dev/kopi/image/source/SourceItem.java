package dev.kopi.image.source;

import java.nio.file.Path;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * One input of the image job.
 *
 * @param row its 0-based row in the output, in input order
 * @param source the path as the input gave it (relative to a directory source), for the index
 * @param path the path to read
 * @param label the label column's value, if any
 * @param carried the values of the CSV's other columns, in {@link SourceList#carriedColumns()}
 *     order
 */
public record SourceItem(
    long row, String source, Path path, @Nullable String label, List<String> carried) {}

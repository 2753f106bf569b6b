package dev.keel.examples.apparel.datasets;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;

/**
 * Label changes for training images, kept beside the untouched IDX files as {@code relabels.csv}
 * (a header line {@code index,label,was}, then one line per image: its index in the 60,000
 * training images, its new label, and the label it had). Keeping the official files as they
 * are means they still verify against their published checksums, and the change is one small,
 * reviewable file that a dataset diff shows as such.
 *
 * <p>{@link #apply} refuses a file whose {@code was} column does not match the labels it is
 * applied to: such a file was made for other data.
 */
public record Relabels(int[] indices, byte[] labels, byte[] was) {
    /** The file name inside a dataset version. */
    public static final String FILE = "relabels.csv";

    private static final String HEADER = "index,label,was";

    /**
     * {@code count} training images chosen by a seeded shuffle, each given a different label
     * chosen by the same seeded generator: label noise, deterministic in ({@code count}, {@code seed}).
     */
    public static Relabels flip(byte[] trainLabels, int classes, int count, long seed) {
        if (count < 1 || count > trainLabels.length) {
            throw new IllegalArgumentException(
                    "the number of labels to change must be in 1.." + trainLabels.length + ", got " + count);
        }
        int[] chosen = Arrays.copyOf(Shuffles.permutation(trainLabels.length, seed, -2), count);
        Arrays.sort(chosen);
        Random random = new Random(seed);
        byte[] labels = new byte[count];
        byte[] was = new byte[count];
        for (int i = 0; i < count; i++) {
            int old = trainLabels[chosen[i]] & 0xff;
            was[i] = (byte) old;
            labels[i] = (byte) ((old + 1 + random.nextInt(classes - 1)) % classes);
        }
        return new Relabels(chosen, labels, was);
    }

    public int size() {
        return indices.length;
    }

    public byte[] toCsv() {
        StringBuilder b = new StringBuilder(HEADER).append('\n');
        for (int i = 0; i < indices.length; i++) {
            b.append(indices[i])
                    .append(',')
                    .append(labels[i] & 0xff)
                    .append(',')
                    .append(was[i] & 0xff)
                    .append('\n');
        }
        return b.toString().getBytes(StandardCharsets.UTF_8);
    }

    /** Parses {@code relabels.csv}; {@code name} is used in messages. */
    public static Relabels parse(byte[] csv, String name, int classes) {
        String[] lines = new String(csv, StandardCharsets.UTF_8).split("\n");
        if (lines.length == 0 || !lines[0].strip().equals(HEADER)) {
            throw new DatasetException(name + ": the first line must be '" + HEADER + "'");
        }
        List<int[]> rows = new ArrayList<>();
        for (int n = 1; n < lines.length; n++) {
            String line = lines[n].strip();
            if (line.isEmpty()) {
                continue;
            }
            String[] f = line.split(",");
            int[] row = new int[3];
            try {
                if (f.length != 3) {
                    throw new NumberFormatException();
                }
                for (int k = 0; k < 3; k++) {
                    row[k] = Integer.parseInt(f[k].strip());
                }
            } catch (NumberFormatException e) {
                throw new DatasetException(
                        name + " line " + (n + 1) + ": expected three integers 'index,label,was', got '" + line + "'");
            }
            if (row[0] < 0 || row[1] < 0 || row[1] >= classes || row[2] < 0 || row[2] >= classes) {
                throw new DatasetException(name + " line " + (n + 1) + ": index must be >= 0 and labels in 0.."
                        + (classes - 1) + ", got '" + line + "'");
            }
            rows.add(row);
        }
        int[] indices = new int[rows.size()];
        byte[] labels = new byte[rows.size()];
        byte[] was = new byte[rows.size()];
        for (int i = 0; i < rows.size(); i++) {
            indices[i] = rows.get(i)[0];
            labels[i] = (byte) rows.get(i)[1];
            was[i] = (byte) rows.get(i)[2];
        }
        return new Relabels(indices, labels, was);
    }

    /** The training labels with the changes applied (a copy); {@code name} is used in messages. */
    public byte[] apply(byte[] trainLabels, String name) {
        byte[] out = trainLabels.clone();
        for (int i = 0; i < indices.length; i++) {
            int index = indices[i];
            if (index >= out.length) {
                throw new DatasetException(
                        name + ": image " + index + " does not exist (there are " + out.length + ")");
            }
            if (trainLabels[index] != was[i]) {
                throw new DatasetException(name + ": image " + index + " has label " + (trainLabels[index] & 0xff)
                        + ", not " + (was[i] & 0xff) + " as the file says: it was made for other training labels");
            }
            out[index] = labels[i];
        }
        return out;
    }
}

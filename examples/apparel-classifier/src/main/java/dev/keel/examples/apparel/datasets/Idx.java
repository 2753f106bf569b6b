package dev.keel.examples.apparel.datasets;

import java.nio.ByteBuffer;
import java.util.Arrays;

/**
 * The IDX format of (Fashion-)MNIST: two zero bytes, a type code (0x08 = unsigned byte), the
 * number of dimensions, each dimension as a big-endian int32, then the data, row-major.
 * {@link #parse} validates all of it and reports the first problem with the file's name.
 */
public final class Idx {
    private static final int UNSIGNED_BYTE = 0x08;

    /** A parsed IDX tensor of unsigned bytes. */
    public record Tensor(int[] dims, byte[] data) {
        public int count() {
            return dims[0];
        }
    }

    private Idx() {}

    /**
     * Parses IDX bytes, requiring {@code expectedDims} dimensions; {@code expectedShape} entries
     * after the first (the item count) must match when not -1.
     */
    public static Tensor parse(byte[] bytes, String name, int... expectedShape) {
        if (bytes.length < 4) {
            throw new DatasetException(name + ": not an IDX file: " + bytes.length + " bytes, too short for a header");
        }
        if (bytes[0] != 0 || bytes[1] != 0) {
            throw new DatasetException(String.format(
                    "%s: bad IDX magic number 0x%02x%02x%02x%02x (must start with 0x0000)",
                    name, bytes[0], bytes[1], bytes[2], bytes[3]));
        }
        int type = bytes[2] & 0xff;
        if (type != UNSIGNED_BYTE) {
            throw new DatasetException(
                    String.format("%s: IDX type 0x%02x is not supported (expected 0x08, unsigned byte)", name, type));
        }
        int ndims = bytes[3] & 0xff;
        if (ndims != expectedShape.length) {
            throw new DatasetException(
                    name + ": IDX file has " + ndims + " dimensions, expected " + expectedShape.length);
        }
        int header = 4 + 4 * ndims;
        if (bytes.length < header) {
            throw new DatasetException(
                    name + ": truncated IDX header (" + bytes.length + " bytes, need " + header + ")");
        }
        ByteBuffer buf = ByteBuffer.wrap(bytes);
        int[] dims = new int[ndims];
        long items = 1;
        for (int i = 0; i < ndims; i++) {
            dims[i] = buf.getInt(4 + 4 * i);
            if (dims[i] <= 0) {
                throw new DatasetException(name + ": dimension " + i + " is " + dims[i] + ", must be positive");
            }
            if (i > 0 && expectedShape[i] != -1 && dims[i] != expectedShape[i]) {
                throw new DatasetException(
                        name + ": dimension " + i + " is " + dims[i] + ", expected " + expectedShape[i]);
            }
            items *= dims[i];
        }
        long expectedLength = header + items;
        if (bytes.length != expectedLength) {
            throw new DatasetException(name + ": " + (bytes.length < expectedLength ? "truncated" : "trailing bytes")
                    + ": " + bytes.length + " bytes, the header " + Arrays.toString(dims)
                    + " announces " + expectedLength);
        }
        return new Tensor(dims, Arrays.copyOfRange(bytes, header, bytes.length));
    }
}

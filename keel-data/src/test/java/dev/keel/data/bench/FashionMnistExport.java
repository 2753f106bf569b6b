package dev.keel.data.bench;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.awt.image.DataBufferByte;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.GZIPInputStream;

/**
 * Exports Fashion-MNIST (the IDX files of Debian's {@code dataset-fashion-mnist}, in
 * /usr/share/datasets/fashion-mnist) as 70,000 PNG files in class folders:
 * {@code <out>/train/<label>/<index>.png} and {@code <out>/test/<label>/<index>.png}.
 * Usage: {@code FashionMnistExport OUT [IDX_DIR]}.
 */
public final class FashionMnistExport {
    public static final Path DEBIAN_DIR = Path.of("/usr/share/datasets/fashion-mnist");

    public static void main(String[] args) throws IOException {
        Path out = Path.of(args[0]);
        Path idx = args.length > 1 ? Path.of(args[1]) : DEBIAN_DIR;
        long t0 = System.nanoTime();
        int n = export(idx, out);
        System.out.printf("exported %d PNGs to %s in %.1f s%n", n, out, (System.nanoTime() - t0) / 1e9);
    }

    public static int export(Path idxDir, Path out) throws IOException {
        if (!Files.isRegularFile(idxDir.resolve("train-images-idx3-ubyte.gz"))) {
            throw new IOException("no Fashion-MNIST IDX files in " + idxDir
                    + ": apt-get update && apt-get install -y dataset-fashion-mnist");
        }
        return split(idxDir, "train", out) + split(idxDir, "t10k", out);
    }

    private static int split(Path idxDir, String prefix, Path out) throws IOException {
        String name = prefix.equals("t10k") ? "test" : prefix;
        byte[] labels = read(idxDir.resolve(prefix + "-labels-idx1-ubyte.gz"), 2049);
        byte[] images = read(idxDir.resolve(prefix + "-images-idx3-ubyte.gz"), 2051);
        int count = labels.length;
        for (int c = 0; c < 10; c++) {
            Files.createDirectories(out.resolve(name).resolve(Integer.toString(c)));
        }
        BufferedImage img = new BufferedImage(28, 28, BufferedImage.TYPE_BYTE_GRAY);
        byte[] pixels = ((DataBufferByte) img.getRaster().getDataBuffer()).getData();
        for (int i = 0; i < count; i++) {
            System.arraycopy(images, i * 784, pixels, 0, 784);
            Path file = out.resolve(name).resolve(Integer.toString(labels[i])).resolve(String.format("%05d.png", i));
            ImageIO.write(img, "png", file.toFile());
        }
        return count;
    }

    /** The payload of an IDX file after its header (magic, dimensions). */
    private static byte[] read(Path gz, int magic) throws IOException {
        try (InputStream raw = Files.newInputStream(gz);
                DataInputStream in = new DataInputStream(new GZIPInputStream(raw, 1 << 16))) {
            if (in.readInt() != magic) {
                throw new IOException(gz + " is not an IDX file with magic " + magic);
            }
            int n = in.readInt();
            int size = n;
            if (magic == 2051) {
                size = n * in.readInt() * in.readInt();
            }
            byte[] data = new byte[size];
            in.readFully(data);
            return data;
        }
    }
}

package dev.keel.examples.apparel.datasets;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;

/**
 * Fashion-MNIST: 60,000 training and 10,000 test images of 28×28 grey pixels in 10 classes.
 * Files are found or fetched by {@link Dataset}, verified, and parsed with {@link Idx}.
 *
 * <pre>{@code
 * FashionMnistDataset data = FashionMnistDataset.open(null);   // default data folder
 * FashionMnistDataset.Split split = data.split(42, 6_000);     // 54,000 train / 6,000 validation
 * ImageSet test = data.test();
 * }</pre>
 */
public final class FashionMnistDataset extends Dataset {
    public static final int ROWS = 28;
    public static final int COLS = 28;
    /** Seed stream of the train/validation split, apart from the epoch shuffles. */
    private static final long SPLIT_STREAM = -1;

    private ImageSet train;
    private ImageSet test;

    /** A training set and the validation set held out of it. */
    public record Split(ImageSet train, ImageSet validation) {}

    public FashionMnistDataset(DatasetSpec spec, Path dataDir) {
        super(spec, dataDir);
    }

    private FashionMnistDataset(DatasetSpec spec, Path folder, boolean onlyFolder) {
        super(spec, folder, onlyFolder);
    }

    /** The standard dataset; {@code dataDir} null for the default data folder. */
    public static FashionMnistDataset open(Path dataDir) {
        return new FashionMnistDataset(defaultSpec(), dataDir);
    }

    /**
     * The dataset as one folder holds it, e.g. the path {@code run.useDataset("fashion-mnist:v2")}
     * returns: the four IDX files (unpacked or {@code .gz}, verified against their published
     * checksums) and, optionally, {@link Relabels#FILE} applied to the training labels. Nothing
     * is looked for elsewhere.
     */
    public static FashionMnistDataset fromFolder(Path folder) {
        return new FashionMnistDataset(defaultSpec(), folder, true);
    }

    /** The spec from the bundled {@code fashion-mnist.properties}. */
    public static DatasetSpec defaultSpec() {
        return DatasetSpec.load(FashionMnistDataset.class, "fashion-mnist.properties");
    }

    public List<String> classNames() {
        return spec().classes();
    }

    /** The 60,000 training images. */
    public synchronized ImageSet train() {
        if (train == null) {
            train = relabelled(load("train-images", "train-labels"));
        }
        return train;
    }

    /** The 10,000 test images. */
    public synchronized ImageSet test() {
        if (test == null) {
            test = load("test-images", "test-labels");
        }
        return test;
    }

    /**
     * A seeded random split of the training images: {@code validationSize} held out, the rest
     * for training, each part in the original order.
     */
    public Split split(long seed, int validationSize) {
        ImageSet all = train();
        if (validationSize < 0 || validationSize >= all.size()) {
            throw new IllegalArgumentException(
                    "validation size must be in [0, " + all.size() + "), got " + validationSize);
        }
        int[] perm = Shuffles.permutation(all.size(), seed, SPLIT_STREAM);
        int[] val = Arrays.copyOfRange(perm, 0, validationSize);
        int[] rest = Arrays.copyOfRange(perm, validationSize, perm.length);
        Arrays.sort(val);
        Arrays.sort(rest);
        return new Split(all.select(rest), all.select(val));
    }

    /** The raw training labels file's bytes, verified (for making {@link Relabels}). */
    public byte[] trainLabelBytes() {
        return Idx.parse(
                        read("train-labels"), spec().files().get("train-labels").rawName(), -1)
                .data();
    }

    /** The verified, uncompressed bytes of one of the spec's files ({@code train-images}…). */
    public byte[] fileBytes(String key) {
        return read(key);
    }

    private ImageSet relabelled(ImageSet set) {
        Path file = dataDir().resolve(Relabels.FILE);
        if (!Files.isRegularFile(file)) {
            return set;
        }
        try {
            byte[] csv = Files.readAllBytes(file);
            Relabels r = Relabels.parse(csv, file.toString(), classNames().size());
            remember(Relabels.FILE, sha256(csv), file);
            return new ImageSet(set.pixels(), r.apply(set.labels(), file.toString()), set.rows(), set.cols());
        } catch (IOException e) {
            throw new DatasetException("cannot read " + file + ": " + e.getMessage(), e);
        }
    }

    private ImageSet load(String imagesKey, String labelsKey) {
        String imagesName = spec().files().get(imagesKey).rawName();
        String labelsName = spec().files().get(labelsKey).rawName();
        Idx.Tensor images = Idx.parse(read(imagesKey), imagesName, -1, ROWS, COLS);
        Idx.Tensor labels = Idx.parse(read(labelsKey), labelsName, -1);
        if (images.count() != labels.count()) {
            throw new DatasetException(imagesName + " has " + images.count() + " images but " + labelsName + " has "
                    + labels.count() + " labels");
        }
        int classes = classNames().size();
        for (int i = 0; i < labels.data().length; i++) {
            int label = labels.data()[i] & 0xff;
            if (label >= classes) {
                throw new DatasetException(
                        labelsName + ": label " + label + " at index " + i + " is out of range 0.." + (classes - 1));
            }
        }
        return new ImageSet(images.data(), labels.data(), ROWS, COLS);
    }
}

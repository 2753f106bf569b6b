package dev.keel.serve.translate;

import ai.djl.modality.Input;
import ai.djl.modality.Output;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.Shape;
import ai.djl.translate.Batchifier;
import ai.djl.translate.Translator;
import ai.djl.translate.TranslatorContext;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Image bytes in (PNG or JPEG of any size up to {@code maxSide}, or exactly width×height raw grey
 * bytes), the class, its probability and every class's probability out as JSON. Batches stack.
 *
 * <p>An input that is not a usable image does not fail its batch: it is answered alone with code
 * 400 and a message saying what to send, and the other requests of the batch are answered as
 * usual. Each answer carries two properties the server's monitoring reads:
 * {@value #CLASS_PROPERTY} and {@value #MEAN_PROPERTY} (mean pixel intensity, 0–255, of the image
 * the network saw).
 */
public final class ImageClassifierTranslator implements Translator<Input, Output> {
    /** The predicted class name, on every successful answer. */
    public static final String CLASS_PROPERTY = "keel.class";
    /** The mean grey level (0–255) of the image as the network saw it, on every successful answer. */
    public static final String MEAN_PROPERTY = "keel.input_mean";

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String PENDING = "keel.pending";

    private final Settings settings;
    private final float[] levels = new float[256];

    /** The translator's arguments; see {@link ImageClassifierTranslatorFactory}. */
    public record Settings(
            int width,
            int height,
            float mean,
            float std,
            List<String> classes,
            boolean invertLightBackground,
            int maxSide) {
        public Settings {
            classes = List.copyOf(classes);
        }

        static Settings from(Map<String, ?> args) {
            int width = intArg(args, "width", 0);
            int height = intArg(args, "height", 0);
            if (width < 1 || height < 1) {
                throw new IllegalArgumentException(
                        "the serving descriptor must give width and height (the network's input size), e.g. width=28");
            }
            Object classes = args.get("classes");
            if (classes == null || classes.toString().isBlank()) {
                throw new IllegalArgumentException(
                        "the serving descriptor must list the classes in output order, e.g. classes=cat,dog");
            }
            List<String> names = Arrays.stream(classes.toString().split(","))
                    .map(String::strip)
                    .toList();
            float std = floatArg(args, "std", 1f);
            if (!(std > 0)) {
                throw new IllegalArgumentException("std must be > 0 in the serving descriptor, got " + std);
            }
            return new Settings(
                    width,
                    height,
                    floatArg(args, "mean", 0f),
                    std,
                    names,
                    Boolean.parseBoolean(String.valueOf(args.get("invertLightBackground"))),
                    intArg(args, "maxSide", 4096));
        }

        private static int intArg(Map<String, ?> args, String key, int fallback) {
            Object v = args.get(key);
            try {
                return v == null ? fallback : Integer.parseInt(v.toString().strip());
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException(
                        key + " must be a whole number in the serving descriptor, got '" + v + "'");
            }
        }

        private static float floatArg(Map<String, ?> args, String key, float fallback) {
            Object v = args.get(key);
            try {
                return v == null ? fallback : Float.parseFloat(v.toString().strip());
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException(
                        key + " must be a number in the serving descriptor, got '" + v + "'");
            }
        }
    }

    public ImageClassifierTranslator(Settings settings) {
        this.settings = settings;
        for (int b = 0; b < levels.length; b++) {
            levels[b] = (b / 255f - settings.mean()) / settings.std();
        }
    }

    public Settings settings() {
        return settings;
    }

    @Override
    public NDList processInput(TranslatorContext ctx, Input input) {
        int w = settings.width();
        int h = settings.height();
        byte[] pixels;
        String problem = null;
        try {
            pixels = GreyImages.toPixels(
                    input.getData() == null ? null : input.getData().getAsBytes(), w, h, settings);
        } catch (IllegalArgumentException e) {
            problem = e.getMessage();
            pixels = new byte[w * h];
        }
        float[] x = new float[w * h];
        long sum = 0;
        for (int i = 0; i < x.length; i++) {
            int level = pixels[i] & 0xff;
            x[i] = levels[level];
            sum += level;
        }
        pending(ctx).add(problem == null ? String.valueOf((double) sum / x.length) : "!" + problem);
        NDArray array = ctx.getNDManager().create(x, new Shape(1, h, w));
        return new NDList(array);
    }

    @Override
    public Output processOutput(TranslatorContext ctx, NDList list) throws Exception {
        String state = pending(ctx).poll();
        if (state != null && state.startsWith("!")) {
            Output bad = new Output(400, state.substring(1));
            bad.add(JSON.writeValueAsBytes(
                    Map.of("error_code", "INVALID_PARAMETER_VALUE", "message", state.substring(1))));
            return bad;
        }
        float[] p = list.singletonOrThrow().softmax(-1).toFloatArray();
        List<String> classes = settings.classes();
        if (p.length != classes.size()) {
            throw new IllegalStateException("the network gives " + p.length + " outputs but the serving descriptor"
                    + " lists " + classes.size() + " classes");
        }
        int best = 0;
        Map<String, Float> probabilities = new LinkedHashMap<>();
        for (int i = 0; i < p.length; i++) {
            probabilities.put(classes.get(i), p[i]);
            if (p[i] > p[best]) {
                best = i;
            }
        }
        Map<String, Object> answer = new LinkedHashMap<>();
        answer.put("class", classes.get(best));
        answer.put("index", best);
        answer.put("probability", p[best]);
        answer.put("probabilities", probabilities);
        Output out = new Output(200, "OK");
        out.add(new String(JSON.writeValueAsBytes(answer), StandardCharsets.UTF_8));
        out.addProperty(CLASS_PROPERTY, classes.get(best));
        if (state != null) {
            out.addProperty(MEAN_PROPERTY, state);
        }
        return out;
    }

    @Override
    public Batchifier getBatchifier() {
        return Batchifier.STACK;
    }

    /** The inputs' outcomes in the order DJL hands their outputs back (it keeps the batch's order). */
    @SuppressWarnings("unchecked")
    private static ArrayDeque<String> pending(TranslatorContext ctx) {
        Object queue = ctx.getAttachment(PENDING);
        if (queue == null) {
            queue = new ArrayDeque<String>();
            ctx.setAttachment(PENDING, queue);
        }
        return (ArrayDeque<String>) queue;
    }
}

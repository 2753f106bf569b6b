package dev.keel.serve.translate;

import ai.djl.Model;
import ai.djl.modality.Input;
import ai.djl.modality.Output;
import ai.djl.translate.TranslateException;
import ai.djl.translate.Translator;
import ai.djl.translate.TranslatorFactory;
import ai.djl.util.Pair;

import java.lang.reflect.Type;
import java.util.Map;
import java.util.Set;

/**
 * Makes {@link ImageClassifierTranslator}s from a serving descriptor's arguments:
 *
 * <pre>
 * width=28  height=28                 # what the network takes (grey, one channel)
 * mean=0.2860  std=0.3530             # pixels scaled to [0, 1], then (x - mean) / std
 * classes=T-shirt/top,Trouser,...     # in the order of the network's outputs
 * invertLightBackground=true          # a photo on white is inverted to look like the training data
 * maxSide=4096                        # larger pictures are refused before they are decoded
 * </pre>
 */
public final class ImageClassifierTranslatorFactory implements TranslatorFactory {

    @Override
    public Set<Pair<Type, Type>> getSupportedTypes() {
        return Set.of(new Pair<>(Input.class, Output.class));
    }

    @Override
    @SuppressWarnings("unchecked")
    public <I, O> Translator<I, O> newInstance(Class<I> input, Class<O> output, Model model, Map<String, ?> arguments)
            throws TranslateException {
        if (input != Input.class || output != Output.class) {
            throw new IllegalArgumentException(
                    "ImageClassifierTranslatorFactory makes Input -> Output translators, not " + input.getSimpleName()
                            + " -> " + output.getSimpleName());
        }
        return (Translator<I, O>) new ImageClassifierTranslator(ImageClassifierTranslator.Settings.from(arguments));
    }
}

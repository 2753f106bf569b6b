package dev.keel.examples.apparel.training;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.pytorch.engine.PtNDArray;
import ai.djl.pytorch.jni.JniUtils;
import ai.djl.training.optimizer.Optimizer;
import ai.djl.util.Pair;

import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Adam (Kingma and Ba, with optional decoupled weight decay) whose state is ours to save.
 *
 * <p>Why not DJL's Adam: in DJL 0.36 its moments are private and keyed by per-instance parameter
 * ids, so they cannot be checkpointed and restored into a new process. Here the state (first
 * and second moments and a step counter per parameter) is keyed by the parameter's path in the
 * block ({@code 01Linear_weight}…), stable across processes, and exposed by {@link #state()}
 * for checkpoints; {@link #restore} puts it back. On the PyTorch engine the arithmetic is DJL's
 * own fused native Adam kernel (the state is ours, the update is theirs), so it trains exactly
 * like DJL's Adam, at the same speed; other engines get the same update as NDArray operations.
 *
 * <p>Call {@link #bind(Block)} once the block is initialized, before the first step.
 */
public final class NamedAdam extends Optimizer {
    private float learningRate;
    private final float beta1;
    private final float beta2;
    private final float epsilon;
    private final float weightDecay;
    private final Map<String, String> namesById = new HashMap<>();
    private final Map<String, Moments> moments = new LinkedHashMap<>();
    private Constants constants;

    /** One parameter's optimizer state. */
    public record Moments(NDArray m, NDArray v, long[] steps) {
        public long step() {
            return steps[0];
        }
    }

    public NamedAdam(float learningRate, float weightDecay) {
        super(new Builder());
        this.learningRate = learningRate;
        this.beta1 = 0.9f;
        this.beta2 = 0.999f;
        this.epsilon = 1e-8f;
        this.weightDecay = weightDecay;
    }

    /** Sets the learning rate for the next steps (schedules call this; it is a function of the step, so nothing to checkpoint). */
    public void learningRate(float rate) {
        if (rate != learningRate) {
            learningRate = rate;
            constants = null;
        }
    }

    /** Learns the names of the block's parameters; required before {@link #update}. */
    public void bind(Block block) {
        namesById.clear();
        for (Pair<String, Parameter> p : block.getParameters()) {
            namesById.put(p.getValue().getId(), p.getKey());
        }
    }

    @Override
    public void update(String parameterId, NDArray weight, NDArray grad) {
        String name = namesById.get(parameterId);
        if (name == null) {
            throw new IllegalStateException("parameter " + parameterId
                    + " is unknown: call NamedAdam.bind(block) after initialising the block");
        }
        Moments s =
                moments.computeIfAbsent(name, n -> new Moments(weight.zerosLike(), weight.zerosLike(), new long[1]));
        long t = ++s.steps()[0];
        if (weight instanceof PtNDArray w
                && grad instanceof PtNDArray g
                && s.m() instanceof PtNDArray m
                && s.v() instanceof PtNDArray v) {
            // one native call doing the whole update in place: the op-by-op route below costs about a
            // dozen JNI calls and several temporaries per parameter, a large share of a small model's epoch
            float stepSize = (float) (learningRate * Math.sqrt(1 - Math.pow(beta2, t)) / (1 - Math.pow(beta1, t)));
            // coupled mode with a zero decay adds 0·w (exact, one pass); decoupled mode would spend three passes on it
            JniUtils.adamUpdate(
                    w,
                    g,
                    m,
                    v,
                    learningRate,
                    stepSize,
                    weightDecay,
                    rescaleGrad,
                    -1f,
                    beta1,
                    beta2,
                    epsilon,
                    weightDecay > 0);
            JniUtils.zeroGrad(w);
            return;
        }
        Constants c = constants(weight.getManager(), t);
        try (NDScope scope = new NDScope()) {
            scope.suppressNotUsedWarning();
            NDArray gr = rescaleGrad == 1f ? grad : grad.mul(rescaleGrad);
            s.m().muli(c.beta1).addi(gr.mul(c.oneMinusBeta1));
            s.v().muli(c.beta2).addi(gr.square().muli(c.oneMinusBeta2));
            NDArray step = s.m().div(s.v().sqrt().addi(c.epsilon)).muli(c.stepSize);
            if (weightDecay > 0) {
                step.addi(weight.mul(c.decay));
            }
            weight.subi(step);
            weight.getGradient().muli(0f);
        }
    }

    /**
     * Scalars as 0-d arrays, made once (the step size once per step): creating a scalar for every
     * operation costs a native allocation each and made training three times slower.
     */
    private Constants constants(NDManager manager, long t) {
        if (constants == null || constants.manager != manager) {
            closeConstants();
            constants = new Constants(
                    manager,
                    manager.create(beta1),
                    manager.create(1 - beta1),
                    manager.create(beta2),
                    manager.create(1 - beta2),
                    manager.create(epsilon),
                    manager.create(learningRate * weightDecay));
        }
        if (constants.t != t) {
            double correction = Math.sqrt(1 - Math.pow(beta2, t)) / (1 - Math.pow(beta1, t));
            if (constants.stepSize != null) {
                constants.stepSize.close();
            }
            constants.stepSize = manager.create((float) (learningRate * correction));
            constants.t = t;
        }
        return constants;
    }

    private void closeConstants() {
        if (constants != null) {
            for (NDArray a : new NDArray[] {
                constants.beta1,
                constants.oneMinusBeta1,
                constants.beta2,
                constants.oneMinusBeta2,
                constants.epsilon,
                constants.decay,
                constants.stepSize
            }) {
                if (a != null) {
                    a.close();
                }
            }
            constants = null;
        }
    }

    private static final class Constants {
        final NDManager manager;
        final NDArray beta1;
        final NDArray oneMinusBeta1;
        final NDArray beta2;
        final NDArray oneMinusBeta2;
        final NDArray epsilon;
        final NDArray decay;
        NDArray stepSize;
        long t = -1;

        Constants(
                NDManager manager,
                NDArray beta1,
                NDArray oneMinusBeta1,
                NDArray beta2,
                NDArray oneMinusBeta2,
                NDArray epsilon,
                NDArray decay) {
            this.manager = manager;
            this.beta1 = beta1;
            this.oneMinusBeta1 = oneMinusBeta1;
            this.beta2 = beta2;
            this.oneMinusBeta2 = oneMinusBeta2;
            this.epsilon = epsilon;
            this.decay = decay;
        }
    }

    /** The state by parameter name, live (read it to checkpoint; do not modify). */
    public Map<String, Moments> state() {
        return Collections.unmodifiableMap(moments);
    }

    /** Replaces one parameter's state with saved values (moments as flat floats, and its step count). */
    public void restore(String name, float[] m, float[] v, long step, NDArray like) {
        Moments s = new Moments(
                like.getManager().create(m, like.getShape()),
                like.getManager().create(v, like.getShape()),
                new long[] {step});
        Moments old = moments.put(name, s);
        if (old != null) {
            old.m().close();
            old.v().close();
        }
    }

    private static final class Builder extends OptimizerBuilder<Builder> {
        @Override
        protected Builder self() {
            return this;
        }
    }
}

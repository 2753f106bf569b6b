package dev.keel.serve.internal;

import ai.djl.inference.Predictor;
import ai.djl.modality.Input;
import ai.djl.modality.Output;
import dev.keel.core.KeelException;
import dev.keel.core.KeelException.ErrorCode;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * Dynamic batching over a pool of workers, each with a predictor of its own. A worker takes the
 * oldest waiting request, then waits up to {@code maxDelayMs} for more, up to {@code maxBatch},
 * and runs them as one {@code batchPredict}. Under light load a request waits at most the delay;
 * under heavy load batches fill at once and the delay is never reached.
 *
 * <p>The queue is bounded: past {@value #QUEUE_LIMIT} waiting requests a new one is refused
 * (503) rather than left waiting without limit.
 */
final class Batcher implements AutoCloseable {
    static final int QUEUE_LIMIT = 4096;

    private record Job(Input input, CompletableFuture<Output> answer) {}

    private final String name;
    private final List<Predictor<Input, Output>> predictors;
    private final int maxBatch;
    private final long maxDelayNanos;
    private final ServeMetrics metrics;
    private final BlockingQueue<Job> queue = new ArrayBlockingQueue<>(QUEUE_LIMIT);
    private final List<Thread> workers = new ArrayList<>();
    private volatile boolean closed;

    Batcher(
            String name,
            List<Predictor<Input, Output>> predictors,
            int maxBatch,
            long maxDelayMs,
            ServeMetrics metrics) {
        this.name = name;
        this.predictors = List.copyOf(predictors);
        this.maxBatch = maxBatch;
        this.maxDelayNanos = TimeUnit.MILLISECONDS.toNanos(maxDelayMs);
        this.metrics = metrics;
        for (int i = 0; i < this.predictors.size(); i++) {
            Predictor<Input, Output> p = this.predictors.get(i);
            Thread t = new Thread(() -> work(p), "keel-serve-" + name + "-worker-" + (i + 1));
            t.setDaemon(true);
            workers.add(t);
        }
    }

    /** Runs one full batch and one single input on every worker's predictor, before any request. */
    void warmUp(Input example) {
        for (Predictor<Input, Output> p : predictors) {
            try {
                p.batchPredict(Collections.nCopies(maxBatch, example));
                p.batchPredict(List.of(example));
            } catch (Exception e) {
                throw new KeelException(
                        ErrorCode.INVALID_PARAMETER_VALUE, "warming up " + name + " failed: " + e.getMessage(), e);
            }
        }
        for (Thread t : workers) {
            t.start();
        }
    }

    /** Queues one input; the answer completes when its batch has run. */
    CompletableFuture<Output> submit(Input input) {
        CompletableFuture<Output> answer = new CompletableFuture<>();
        if (closed) {
            answer.completeExceptionally(unavailable(name + " is unloading"));
        } else if (!queue.offer(new Job(input, answer))) {
            answer.completeExceptionally(unavailable(
                    "the server is overloaded (" + QUEUE_LIMIT + " requests waiting); retry later or add --workers"));
        }
        return answer;
    }

    int queued() {
        return queue.size();
    }

    private void work(Predictor<Input, Output> predictor) {
        List<Job> batch = new ArrayList<>(maxBatch);
        while (!closed) {
            try {
                Job first = queue.poll(200, TimeUnit.MILLISECONDS);
                if (first == null) {
                    continue;
                }
                batch.add(first);
                queue.drainTo(batch, maxBatch - 1);
                long deadline = System.nanoTime() + maxDelayNanos;
                while (batch.size() < maxBatch) {
                    long left = deadline - System.nanoTime();
                    if (left <= 0) {
                        break;
                    }
                    Job next = queue.poll(left, TimeUnit.NANOSECONDS);
                    if (next == null) {
                        break;
                    }
                    batch.add(next);
                    queue.drainTo(batch, maxBatch - batch.size());
                }
                run(predictor, batch);
            } catch (InterruptedException e) {
                break;
            } finally {
                batch.clear();
            }
        }
    }

    private void run(Predictor<Input, Output> predictor, List<Job> batch) {
        List<Input> inputs = new ArrayList<>(batch.size());
        for (Job j : batch) {
            inputs.add(j.input());
        }
        metrics.batch(batch.size());
        try {
            List<Output> outputs = predictor.batchPredict(inputs);
            for (int i = 0; i < batch.size(); i++) {
                batch.get(i).answer().complete(outputs.get(i));
            }
        } catch (Exception | LinkageError e) {
            for (Job j : batch) {
                j.answer().completeExceptionally(e);
            }
        }
    }

    private static KeelException unavailable(String message) {
        return new KeelException(ErrorCode.TEMPORARILY_UNAVAILABLE, message);
    }

    @Override
    public void close() {
        closed = true;
        for (Thread t : workers) {
            t.interrupt();
        }
        for (Thread t : workers) {
            try {
                t.join(5_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        for (Job j; (j = queue.poll()) != null; ) {
            j.answer().completeExceptionally(unavailable(name + " was unloaded"));
        }
        for (Predictor<Input, Output> p : predictors) {
            p.close();
        }
    }
}

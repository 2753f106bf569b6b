package dev.keel.sweep;

import dev.keel.core.sweep.Proposal;
import dev.keel.core.sweep.Trial;
import dev.keel.core.sweep.TrialState;

import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Every combination of the parameters' values, the last parameter varying fastest. A point is
 * taken once a trial holds it in any state but crashed: a crashed trial never ran to its end
 * through no fault of its parameters, so its point is offered again, while a failed one would
 * only fail again.
 */
final class GridSearch implements Search {
    private final List<Parameter> parameters;
    private final List<List<Object>> axes;
    private final long size;

    GridSearch(List<Parameter> parameters) {
        this.parameters = parameters;
        this.axes = parameters.stream().map(Parameter::gridValues).toList();
        long n = 1;
        for (List<Object> axis : axes) {
            try {
                n = Math.multiplyExact(n, axis.size());
            } catch (ArithmeticException e) {
                n = Long.MAX_VALUE;
            }
        }
        this.size = n;
    }

    /** How many points the grid has (Long.MAX_VALUE when more than a long counts). */
    long size() {
        return size;
    }

    @Override
    public Proposal propose(long seed, List<Trial> trials) {
        Set<String> taken = new HashSet<>();
        for (Trial t : trials) {
            if (t.state() != TrialState.CRASHED) {
                taken.add(pointKey(t.params()));
            }
        }
        for (long index = 0; index < size; index++) {
            Map<String, Object> point = point(index);
            if (!taken.contains(pointKey(point))) {
                return Proposal.next(point);
            }
        }
        return Proposal.exhausted("the grid's " + size + " points have all been tried");
    }

    private Map<String, Object> point(long index) {
        Map<String, Object> out = new LinkedHashMap<>();
        long rest = index;
        Object[] chosen = new Object[axes.size()];
        for (int i = axes.size() - 1; i >= 0; i--) {
            List<Object> axis = axes.get(i);
            chosen[i] = axis.get((int) (rest % axis.size()));
            rest /= axis.size();
        }
        for (int i = 0; i < axes.size(); i++) {
            out.put(parameters.get(i).name(), chosen[i]);
        }
        return out;
    }

    private String pointKey(Map<String, Object> params) {
        StringBuilder sb = new StringBuilder();
        for (Parameter p : parameters) {
            sb.append(Values.key(params.get(p.name()))).append('\u0000');
        }
        return sb.toString();
    }
}

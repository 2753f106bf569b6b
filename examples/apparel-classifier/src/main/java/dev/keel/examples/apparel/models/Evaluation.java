package dev.keel.examples.apparel.models;

/** Mean loss and accuracy of a model over a set of examples. */
public record Evaluation(double loss, double accuracy, int examples) {}

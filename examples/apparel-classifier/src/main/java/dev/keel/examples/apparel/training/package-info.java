/** Training: experiment configs, the training loop, and the RunExperiment entry point. */
package dev.keel.examples.apparel.training;

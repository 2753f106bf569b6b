/** Predictor: a self-contained image-to-class predictor that loads the production weights. */
package dev.keel.examples.apparel.predictor;

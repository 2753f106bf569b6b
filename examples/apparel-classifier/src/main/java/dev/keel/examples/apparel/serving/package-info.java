/**
 * Serving: what a registered version of this model carries so that {@code keel serve} can load it
 * (a DJL model folder with {@code serving.properties}, the parameters, the network's code in
 * {@code libs/} and the training data's statistics).
 */
package dev.keel.examples.apparel.serving;

/** Models: a dataset-aware wrapper around a network with preprocessing, loss, metrics, save/load. */
package dev.keel.examples.apparel.models;

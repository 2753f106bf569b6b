/** Web: a loopback HTTP backend for the predictor with an upload page. */
package dev.keel.examples.apparel.web;

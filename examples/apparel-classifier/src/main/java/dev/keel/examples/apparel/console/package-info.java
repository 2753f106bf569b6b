/** Console: progress bars that degrade to periodic lines when output is not a terminal. */
package dev.keel.examples.apparel.console;

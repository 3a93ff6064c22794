/**
 * Reports: CSV, JSON, plots (XChart) and a self-contained HTML page, from plain data to files.
 */
package org.mergelab.report;

// Package cli is rocca's command line: it parses arguments, builds the App
// and maps outcomes to documented exit codes. main only calls Run.
package cli

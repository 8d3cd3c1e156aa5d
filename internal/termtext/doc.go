// Package termtext makes text from outside (SBOM component names, product
// names, advisory texts, VEX justifications, file names) safe to print on
// a terminal.
//
// A terminal acts on control characters instead of showing them: ESC
// starts sequences that clear the screen, move the cursor, retitle the
// window (OSC) or write to the clipboard, and the C1 character U+009B is
// a one-character CSI. Bidirectional formatting characters reorder what is
// shown ("Trojan Source"). Text that rocca did not write itself goes
// through Escape before it reaches a human-readable output (the scan
// table, sbom inspect and check, the admin lists, import summaries,
// error messages); the JSON, SARIF and CycloneDX outputs escape control
// characters by the rules of JSON instead.
package termtext

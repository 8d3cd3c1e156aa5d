// Package model holds rocca's plain domain types: the components read from
// an SBOM and the findings the matcher reports for them. It imports nothing
// from the rest of the project so every layer can share it.
package model

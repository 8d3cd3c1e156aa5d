// Package msg carries the sentences rocca writes for a person — refusals
// of the use cases, warnings, reasons — as a stable code with arguments
// next to their English wording.
//
// The API and the CLI show the English wording, unchanged; an interface in
// another language finds the code with errors.As (or Of) and shows its own
// text for it (the web application's catalogue key is "msg." + Code),
// formatting the arguments in its locale. Codes are lower-case words
// joined by dots ("cases.title_required"), the first naming the package
// or the family of sentences; each is a string literal followed by the
// English format's literal in the call that makes the sentence (New,
// Errorf or a package's helper around them), so that a test can list
// them (internal/web's catalogue test).
package msg

import (
	"errors"
	"fmt"
	"strings"
	"time"
)

// Text is a generated sentence.
type Text struct {
	// Code names the sentence, whatever its arguments.
	Code string
	// Args are the sentence's values (names, numbers, times, causes), in
	// the order of the English format.
	Args []any
	// English is the sentence in English, as the API shows it.
	English string
}

// New returns the sentence code with args, worded in English by format
// (fmt verbs).
func New(code, format string, args ...any) Text {
	return Text{Code: code, Args: args, English: fmt.Sprintf(format, args...)}
}

// String returns the English wording.
func (t Text) String() string { return t.English }

// Error is a refusal worded by a Text; its message is the English wording.
type Error struct {
	Text
	err error
}

// Errorf returns the refusal code with args, worded in English by format;
// a %w verb wraps its argument, as fmt.Errorf does.
func Errorf(code, format string, args ...any) *Error {
	err := fmt.Errorf(format, args...)
	return &Error{Text: Text{Code: code, Args: args, English: err.Error()}, err: err}
}

func (e *Error) Error() string { return e.English }

// Unwrap returns the error a %w verb wrapped, if any.
func (e *Error) Unwrap() error { return errors.Unwrap(e.err) }

// Of returns the sentence of the first *Error in err's chain.
func Of(err error) (Text, bool) {
	var e *Error
	if errors.As(err, &e) {
		return e.Text, true
	}
	return Text{}, false
}

// Stamp is a moment as an argument: worded in English as RFC 3339 (UTC
// offset as given), formatted by an interface in its locale.
type Stamp time.Time

func (s Stamp) String() string { return time.Time(s).Format(time.RFC3339) }

// List is several arguments worded as one, joined by "; " (the causes
// of a review, the lists that mark a vulnerability exploited); an
// interface formats each element in its locale.
type List []any

func (l List) String() string {
	var b strings.Builder
	for i, a := range l {
		if i > 0 {
			b.WriteString("; ")
		}
		fmt.Fprint(&b, a)
	}
	return b.String()
}

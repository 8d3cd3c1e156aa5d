package api

import (
	"errors"
	"io"
	"net"
	"net/http"
	"os"
	"strconv"
	"time"
)

// Request bodies must keep arriving: after a grace period, at an average
// of at least the minimum rate, and all of it within the body timeout. A
// client that trickles its body (an upload of a few bytes a second holds a
// connection and a worker's memory for minutes) is cut off with 408, so
// the time a body can take is proportionate to its size:
// grace + size / rate, at most the timeout.
const (
	// DefaultMinBodyRate is the slowest average body rate accepted, in
	// bytes per second (128 kbit/s).
	DefaultMinBodyRate = 16 << 10
	// DefaultBodyGrace is the time a body may take before the rate
	// applies (connection set-up, TCP slow start, a slow first write).
	DefaultBodyGrace = 10 * time.Second
	// DefaultBodyTimeout bounds a request body whatever its rate, and the
	// request's processing (a synchronous upload) after it.
	DefaultBodyTimeout = 5 * time.Minute
)

// bodyPace is the pace a request body must keep.
type bodyPace struct {
	rate           int64
	grace, timeout time.Duration
}

// allowed is how long, from the start of the request, a body may take to
// deliver n bytes.
func (p bodyPace) allowed(n int64) time.Duration {
	if n/p.rate >= int64(p.timeout/time.Second) {
		return p.timeout // and no overflow below
	}
	d := p.grace + time.Duration(n/p.rate)*time.Second + time.Duration(n%p.rate)*time.Second/time.Duration(p.rate)
	return min(d, p.timeout)
}

// pacedBody enforces a bodyPace on a request body with read deadlines:
// before each read, the connection's deadline is the time by which the
// bytes read so far had to arrive; at the end of the body it is the
// request's timeout, so that processing which follows is not cut short.
type pacedBody struct {
	io.ReadCloser
	rc    *http.ResponseController
	pace  bodyPace
	start time.Time
	n     int64
}

// paceBody wraps r's body and sets its first deadline. Requests without a
// body are left alone (the server's timeouts apply).
func paceBody(w http.ResponseWriter, r *http.Request, p bodyPace, start time.Time) {
	if r.Body == nil || r.Body == http.NoBody {
		return
	}
	b := &pacedBody{ReadCloser: r.Body, rc: http.NewResponseController(w), pace: p, start: start}
	// A handler that never reads the body (a refused request) leaves it
	// to the server to discard, within the grace period.
	if err := b.rc.SetReadDeadline(start.Add(p.allowed(0))); err != nil {
		return // the connection has no deadlines (a test recorder): nothing to enforce
	}
	r.Body = b
}

func (b *pacedBody) Read(p []byte) (int, error) {
	_ = b.rc.SetReadDeadline(b.start.Add(b.pace.allowed(b.n)))
	n, err := b.ReadCloser.Read(p)
	b.n += int64(n)
	switch {
	case err == io.EOF:
		_ = b.rc.SetReadDeadline(b.start.Add(b.pace.timeout))
	case isTimeout(err):
		err = &slowBodyError{read: b.n, pace: b.pace}
	}
	return n, err
}

func isTimeout(err error) bool {
	var ne net.Error
	return err != nil && (errors.Is(err, os.ErrDeadlineExceeded) || errors.As(err, &ne) && ne.Timeout())
}

// slowBodyError is a body that did not keep its pace.
type slowBodyError struct {
	read int64
	pace bodyPace
}

func (e *slowBodyError) Error() string {
	return "request body too slow: " + strconv.FormatInt(e.read, 10) + " bytes received; a body must arrive at " +
		strconv.FormatInt(e.pace.rate, 10) + " bytes/s or faster (after " + e.pace.grace.String() +
		") and within " + e.pace.timeout.String()
}

// bodyError passes a body's size and pace errors through (they are
// answered with 413 and 408) and makes any other a 400 about what.
func bodyError(what string, err error) error {
	var mbe *http.MaxBytesError
	var sbe *slowBodyError
	if errors.As(err, &mbe) || errors.As(err, &sbe) {
		return err
	}
	return badRequest(what + ": " + err.Error())
}

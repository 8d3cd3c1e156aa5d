package feeds

import (
	"archive/zip"
	"bufio"
	"bytes"
	"compress/gzip"
	"context"
	"encoding/csv"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"time"

	"github.com/rocca-project/rocca/internal/kb"
	"github.com/rocca-project/rocca/internal/store"
)

// maxValidatorLen bounds the ETag and Last-Modified values kept.
const maxValidatorLen = 1024

type downloaded struct {
	path               string
	size               int64
	etag, lastModified string
	notModified        bool
}

// download fetches src into a temporary file, with a conditional request
// when the previous download of the same URL left validators. The file is
// complete (Content-Length checked) and within the source's cap, or an
// error is returned and no file is left.
func (s *Syncer) download(ctx context.Context, src Source, prev store.FeedState) (downloaded, error) {
	var dl downloaded
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, src.URL, nil)
	if err != nil {
		return dl, fmt.Errorf("request %s: %w", src.URL, err)
	}
	req.Header.Set("User-Agent", "rocca feed sync")
	conditional := prev.URL == src.URL && !prev.LastSuccess.IsZero() && (prev.ETag != "" || prev.LastModified != "")
	if conditional {
		if prev.ETag != "" {
			req.Header.Set("If-None-Match", prev.ETag)
		}
		if prev.LastModified != "" {
			req.Header.Set("If-Modified-Since", prev.LastModified)
		}
	}
	resp, err := s.client.Do(req)
	if err != nil {
		return dl, fmt.Errorf("download %s: %w", src.URL, err)
	}
	defer resp.Body.Close()
	switch {
	case resp.StatusCode == http.StatusNotModified && conditional:
		dl.notModified = true
		return dl, nil
	case resp.StatusCode != http.StatusOK:
		io.Copy(io.Discard, io.LimitReader(resp.Body, 64<<10))
		return dl, fmt.Errorf("download %s: HTTP %s", src.URL, resp.Status)
	}
	if resp.ContentLength > src.MaxBytes {
		return dl, fmt.Errorf("download %s: %d bytes announced, more than the %d byte cap of %s", src.URL, resp.ContentLength, src.MaxBytes, src.Name)
	}
	f, err := os.CreateTemp(s.cfg.TempDir, "rocca-feed-*")
	if err != nil {
		return dl, fmt.Errorf("download %s: %w", src.URL, err)
	}
	keep := false
	defer func() {
		if !keep {
			f.Close()
			os.Remove(f.Name())
		}
	}()
	body := &progressReader{r: resp.Body, log: func(n int64) {
		s.log.Info("feed download progress", "source", src.Name, "bytes", n, "of", resp.ContentLength)
	}, every: s.cfg.ProgressEvery, now: s.now, last: s.now()}
	n, err := io.Copy(f, io.LimitReader(body, src.MaxBytes+1))
	if err != nil {
		return dl, fmt.Errorf("download %s: truncated or interrupted after %d bytes: %w", src.URL, n, err)
	}
	if n > src.MaxBytes {
		return dl, fmt.Errorf("download %s: more than the %d byte cap of %s", src.URL, src.MaxBytes, src.Name)
	}
	if resp.ContentLength >= 0 && n != resp.ContentLength {
		return dl, fmt.Errorf("download %s: truncated: %d of %d bytes", src.URL, n, resp.ContentLength)
	}
	if err := f.Close(); err != nil {
		return dl, fmt.Errorf("download %s: %w", src.URL, err)
	}
	keep = true
	dl.path, dl.size = f.Name(), n
	if v := resp.Header.Get("ETag"); len(v) <= maxValidatorLen {
		dl.etag = v
	}
	if v := resp.Header.Get("Last-Modified"); len(v) <= maxValidatorLen {
		dl.lastModified = v
	}
	return dl, nil
}

// progressReader calls log with the bytes read so far at most every
// interval.
type progressReader struct {
	r     io.Reader
	n     int64
	every time.Duration
	now   func() time.Time
	last  time.Time
	log   func(int64)
}

func (p *progressReader) Read(b []byte) (int, error) {
	n, err := p.r.Read(b)
	p.n += int64(n)
	if p.every > 0 {
		if t := p.now(); t.Sub(p.last) >= p.every {
			p.last = t
			p.log(p.n)
		}
	}
	return n, err
}

// validate reads a download through before anything is imported: every
// entry of a zip (its CRC is checked at the end of each), the whole gzip
// stream (CRC and length), JSON syntax, CSV quoting. Truncated or corrupt
// files fail here even when what could be read of them would parse.
func validate(path, format string, lim kb.Limits) error {
	if format == kb.FormatOSVZip {
		return validateZip(path, lim)
	}
	f, err := os.Open(path)
	if err != nil {
		return err
	}
	defer f.Close()
	br := bufio.NewReader(f)
	var r io.Reader = br
	if head, _ := br.Peek(2); bytes.Equal(head, []byte{0x1f, 0x8b}) {
		zr, err := gzip.NewReader(br)
		if err != nil {
			return fmt.Errorf("gzip: %w", err)
		}
		defer zr.Close()
		r = zr
	}
	lr := &io.LimitedReader{R: r, N: lim.MaxFileBytes + 1}
	if err := validateStream(lr, format); err != nil {
		if lr.N <= 0 {
			return fmt.Errorf("larger than the %d byte limit once decompressed", lim.MaxFileBytes)
		}
		return err
	}
	if lr.N <= 0 {
		return fmt.Errorf("larger than the %d byte limit once decompressed", lim.MaxFileBytes)
	}
	return nil
}

// validateStream reads a JSON document or CSV file through.
func validateStream(lr io.Reader, format string) error {
	switch format {
	case kb.FormatCISAKEV, kb.FormatEUKEV, kb.FormatEUVDExploited:
		dec := json.NewDecoder(lr)
		var v json.RawMessage
		if err := dec.Decode(&v); err != nil {
			return fmt.Errorf("JSON: %w", err)
		}
		if _, err := dec.Token(); !errors.Is(err, io.EOF) {
			return errors.New("JSON: data after the document")
		}
	default: // CSV: EPSS, EUVD mapping
		cr := csv.NewReader(lr)
		cr.FieldsPerRecord, cr.Comment, cr.ReuseRecord = -1, '#', true
		for {
			if _, err := cr.Read(); errors.Is(err, io.EOF) {
				break
			} else if err != nil {
				return fmt.Errorf("CSV: %w", err)
			}
		}
	}
	return nil
}

func validateZip(path string, lim kb.Limits) error {
	zr, err := zip.OpenReader(path)
	if err != nil {
		return fmt.Errorf("zip: %w", err)
	}
	defer zr.Close()
	if len(zr.File) > lim.MaxEntries {
		return fmt.Errorf("zip has %d entries, more than the limit of %d", len(zr.File), lim.MaxEntries)
	}
	left := lim.MaxArchiveBytes
	for _, zf := range zr.File {
		rc, err := zf.Open()
		if err != nil {
			return fmt.Errorf("zip entry %s: %w", zf.Name, err)
		}
		n, err := io.Copy(io.Discard, io.LimitReader(rc, left+1))
		rc.Close()
		if err != nil {
			return fmt.Errorf("zip entry %s: %w", zf.Name, err)
		}
		if left -= n; left < 0 {
			return fmt.Errorf("zip expands beyond the %d byte limit", lim.MaxArchiveBytes)
		}
	}
	return nil
}

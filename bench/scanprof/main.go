// Command scanprof profiles rocca's scan inside one process: it opens the
// database, scans an SBOM and writes the report (JSON unless -format says
// otherwise), reps times, and writes a CPU profile of all repetitions.
//
//	go run ./bench/scanprof -db rocca.db -reps 5 -cpuprofile cpu.out [-memprofile mem.out] [-format sarif] [-now 2026-01-02T03:04:05Z] SBOM
//
// -now fixes the report's generation time, so that the reports of two
// builds can be compared byte for byte.
//
// It prints the wall time of each repetition and of its parts (open,
// scan, report), so that a change can be measured without the noise of
// process start.
package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"os"
	"runtime/pprof"
	"strings"
	"syscall"
	"time"

	"github.com/rocca-project/rocca/internal/output"
	"github.com/rocca-project/rocca/internal/sbom"
	"github.com/rocca-project/rocca/internal/scan"
	"github.com/rocca-project/rocca/internal/store/sqlstore"
)

func main() {
	db := flag.String("db", "", "database (SQLite file or postgres:// URL)")
	reps := flag.Int("reps", 5, "repetitions")
	cpu := flag.String("cpuprofile", "", "write a CPU profile of all repetitions to this file")
	out := flag.String("o", "", "write the last report to this file")
	mem := flag.String("memprofile", "", "write an allocation profile of all repetitions to this file")
	formatName := flag.String("format", "json", "report format: "+strings.Join(output.Formats(), ", "))
	nowText := flag.String("now", "", "generation time of the report (RFC 3339; default: the time of the scan)")
	flag.Parse()
	if *db == "" || flag.NArg() != 1 || *reps < 1 {
		fmt.Fprintln(os.Stderr, "usage: scanprof -db DB [-reps N] [-cpuprofile F] [-format F] [-now TIME] [-o report] SBOM")
		os.Exit(2)
	}
	format, err := output.ParseFormat(*formatName)
	if err != nil {
		fail(err)
	}
	var now time.Time
	if *nowText != "" {
		if now, err = time.Parse(time.RFC3339, *nowText); err != nil {
			fail(fmt.Errorf("-now: %w", err))
		}
	}
	if *cpu != "" {
		f, err := os.Create(*cpu)
		if err != nil {
			fail(err)
		}
		defer f.Close()
		if err := pprof.StartCPUProfile(f); err != nil {
			fail(err)
		}
		defer pprof.StopCPUProfile()
	}
	for i := range *reps {
		w := io.Discard
		if *out != "" && i == *reps-1 {
			f, err := os.Create(*out)
			if err != nil {
				fail(err)
			}
			defer f.Close()
			w = f
		}
		if err := once(context.Background(), *db, flag.Arg(0), format, now, w); err != nil {
			fail(err)
		}
	}
	if *mem != "" {
		f, err := os.Create(*mem)
		if err != nil {
			fail(err)
		}
		defer f.Close()
		if err := pprof.Lookup("allocs").WriteTo(f, 0); err != nil {
			fail(err)
		}
	}
}

// once scans the SBOM at path and writes the report in format to w; a
// zero now stands for the time of the scan.
func once(ctx context.Context, db, path string, format output.Format, now time.Time, w io.Writer) error {
	c0 := cpuTime()
	t0 := time.Now()
	s, err := sqlstore.Open(ctx, db)
	if err != nil {
		return err
	}
	defer s.Close()
	t1 := time.Now()
	in, err := os.Open(path)
	if err != nil {
		return fmt.Errorf("open %s: %w", path, err)
	}
	defer in.Close()
	if now.IsZero() {
		now = time.Now()
	}
	res, err := scan.Run(ctx, s, scan.Request{SBOM: in, Name: path, Limits: sbom.DefaultLimits(), Now: now})
	if err != nil {
		return fmt.Errorf("scan %s: %w", path, err)
	}
	t2 := time.Now()
	if err := output.Write(w, format, res); err != nil {
		return fmt.Errorf("report: %w", err)
	}
	t3 := time.Now()
	fmt.Printf("total %6.1f ms  cpu %6.1f ms  open %5.1f  scan %6.1f  report %5.1f  findings %d\n",
		ms(t3.Sub(t0)), ms(cpuTime()-c0), ms(t1.Sub(t0)), ms(t2.Sub(t1)), ms(t3.Sub(t2)), len(res.Findings))
	return nil
}

// cpuTime is the user + system CPU time the process has used so far.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

func ms(d time.Duration) float64 { return float64(d) / float64(time.Millisecond) }

func fail(err error) {
	fmt.Fprintln(os.Stderr, "scanprof:", err)
	os.Exit(1)
}

package main

import (
	"fmt"
	"os"
	"strconv"
	"strings"
	"syscall"
	"time"
)

// cpuMeter measures the CPU time this process and, when
// HEXKIT_BENCH_SERVER_PID names it, the server process spend: on a
// machine shared with other work, CPU per operation says more than
// operations per second. Its readings go to stderr, next to the case
// lines.
type cpuMeter struct {
	self, server time.Duration
}

func readCPU() cpuMeter {
	var m cpuMeter
	var ru syscall.Rusage
	if syscall.Getrusage(syscall.RUSAGE_SELF, &ru) == nil {
		m.self = time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
	}
	if pid := os.Getenv("HEXKIT_BENCH_SERVER_PID"); pid != "" {
		if stat, err := os.ReadFile("/proc/" + pid + "/stat"); err == nil {
			// Fields after the command's closing parenthesis; utime and
			// stime are the 12th and 13th of them, in clock ticks (100/s).
			if i := strings.LastIndexByte(string(stat), ')'); i > 0 {
				f := strings.Fields(string(stat)[i+1:])
				if len(f) > 12 {
					ut, _ := strconv.ParseInt(f[11], 10, 64)
					st, _ := strconv.ParseInt(f[12], 10, 64)
					m.server = time.Duration(ut+st) * 10 * time.Millisecond
				}
			}
		}
	}
	return m
}

// report prints the CPU per operation spent since m was read.
func (m cpuMeter) report(what string, ops int) {
	now := readCPU()
	per := func(d time.Duration) string {
		return fmt.Sprintf("%.1fus", float64(d)/float64(time.Microsecond)/float64(max(ops, 1)))
	}
	fmt.Fprintf(os.Stderr, "%s: CPU per op: client %s, server %s\n", what, per(now.self-m.self), per(now.server-m.server))
}

package notify

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/netip"
	"syscall"
	"time"
)

// NewClient returns the HTTP client webhooks are sent with. A webhook URL
// is chosen by an organisation's user, so the client refuses to be
// turned against the server's own host or cloud metadata: it does not
// connect to loopback, link-local (169.254.0.0/16 — the metadata
// services — and fe80::/10), unspecified or multicast addresses, checked
// on the address actually dialled (after DNS), and it does not follow
// redirects (a 3xx is a failed delivery). Private ranges (10/8,
// 172.16/12, 192.168/16, fc00::/7) are allowed: on-premises receivers are
// common. allowLoopback lifts the loopback refusal (development, tests).
func NewClient(timeout time.Duration, allowLoopback bool) *http.Client {
	d := &net.Dialer{Timeout: 10 * time.Second, Control: func(network, address string, _ syscall.RawConn) error {
		return checkTarget(address, allowLoopback)
	}}
	tr := &http.Transport{
		Proxy:                 nil, // a proxy would dial for us, past the check
		DialContext:           func(ctx context.Context, n, a string) (net.Conn, error) { return d.DialContext(ctx, n, a) },
		TLSHandshakeTimeout:   10 * time.Second,
		ResponseHeaderTimeout: timeout,
		MaxIdleConnsPerHost:   2,
		IdleConnTimeout:       90 * time.Second,
	}
	return &http.Client{Timeout: timeout, Transport: tr,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
}

// ErrForbiddenTarget is returned for a webhook address the client refuses.
var ErrForbiddenTarget = errors.New("webhook address not allowed")

func checkTarget(address string, allowLoopback bool) error {
	ap, err := netip.ParseAddrPort(address)
	if err != nil {
		return fmt.Errorf("%w: %s", ErrForbiddenTarget, address)
	}
	ip := ap.Addr().Unmap()
	switch {
	case ip.IsLoopback() && allowLoopback:
		return nil
	case ip.IsLoopback(), ip.IsLinkLocalUnicast(), ip.IsLinkLocalMulticast(), ip.IsUnspecified(), ip.IsMulticast(),
		ip.IsInterfaceLocalMulticast():
		return fmt.Errorf("%w: %s is a loopback, link-local, unspecified or multicast address", ErrForbiddenTarget, ip)
	case cloudMetadata(ip):
		return fmt.Errorf("%w: %s is a cloud provider's instance metadata service", ErrForbiddenTarget, ip)
	}
	return nil
}

// cloudMetadata reports whether ip is a cloud instance-metadata address
// outside the link-local ranges (169.254.169.254 is link-local already):
// AWS's IPv6 endpoint and Alibaba Cloud's. Private ranges in general stay
// allowed (on-premises receivers); these never receive webhooks.
func cloudMetadata(ip netip.Addr) bool {
	switch ip.Unmap() {
	case netip.MustParseAddr("fd00:ec2::254"), netip.MustParseAddr("100.100.100.200"):
		return true
	}
	return false
}

package watch

// SetPage sets the number of change-log entries a watcher reads at once.
func SetPage(w *Watcher, n int) { w.page = n }

package defaults

import "testing"

func TestSet(t *testing.T) {
	port, name, keep := 0, "", 8080
	Set(&port, 3000)
	Set(&name, "production")
	Set(&keep, 3000)
	if port != 3000 || name != "production" || keep != 8080 {
		t.Errorf("got %d %q %d, want 3000 \"production\" 8080", port, name, keep)
	}
}

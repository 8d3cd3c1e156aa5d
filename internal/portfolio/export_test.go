package portfolio

// WarmDashboardsOnce is one round of WarmDashboards, for the tests.
var WarmDashboardsOnce = (*Service).warmDashboards

DROP TABLE driver_pool_periods;
DROP TABLE vehicle_pool_periods;
DROP FUNCTION pool_period_close_only();

DROP TABLE driver_pool_periods;
DROP TABLE vehicle_pool_periods;

DROP TABLE occupancy;
DROP TABLE bookings;
DROP TABLE blocks;
DROP TABLE drivers;
DROP TABLE vehicles;
DROP TABLE settings;

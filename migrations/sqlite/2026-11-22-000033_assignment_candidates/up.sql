-- Auto-assignment ranks every active vehicle that fits and every active
-- driver whose licence is valid on each booking: these indexes hold every
-- column those reads need, so they never visit the tables.
CREATE INDEX vehicles_assignable_idx ON vehicles (status, seats, category, id);
CREATE INDEX drivers_assignable_idx ON drivers (status, licence_expires_on, licence_class, id);

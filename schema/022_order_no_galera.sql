-- The order-number sequence hands out values by auto_increment_increment/offset (INCREMENT BY 0), the one form
-- a MariaDB Galera cluster accepts with a cache: each node then gives numbers of its own residue, unique across
-- nodes (not in order across them).  A single server (increment 1) counts on as before.
ALTER SEQUENCE order_no_seq INCREMENT BY 0;

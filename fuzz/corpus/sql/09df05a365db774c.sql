SELECT Country, stddev_samp(Quantity), var_samp(Price * Quantity) FROM sales GROUP BY Country

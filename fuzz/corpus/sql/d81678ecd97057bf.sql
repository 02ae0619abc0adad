SELECT Country, stddev_samp(Price), var_samp(Quantity) FROM sales GROUP BY Country

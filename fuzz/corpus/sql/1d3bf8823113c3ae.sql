SELECT min(Price), max(Price), sum(Price), avg(Price), stddev_samp(Price), var_samp(Price) FROM sales

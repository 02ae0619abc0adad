SELECT stddev_samp(Quantity), var_samp(Quantity) FROM sales WHERE TransactionNo = '581482'

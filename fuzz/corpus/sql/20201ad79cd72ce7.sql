SELECT count(*) FROM sales WHERE TransactionNo = '600000'

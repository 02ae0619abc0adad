SELECT * FROM sales WHERE TransactionNo = '581475'

SELECT upper(ProductName), lower(ProductName), length(ProductName) FROM sales WHERE TransactionNo = '581493'
